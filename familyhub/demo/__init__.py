"""The demo borough (real published ward and centre figures, an invented population, one account
per role, each part's demo records) and the synthetic population generator (`familyhub synth`).

It sits above every part and nothing in a part imports it. It needs the `demo` extra (Faker),
which a production install leaves out: `pip install familyhub[demo]`."""

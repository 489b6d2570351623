// Single registration: show possible matches as the registrar types (progressive enhancement).
// Without JavaScript the form's "Search" button does the same through a full page.
const form = document.querySelector('[data-candidate-search]')
const target = document.getElementById('candidates')
const newLink = document.getElementById('register-new-link')

if (form && target) {
  const url = form.dataset.candidatesUrl
  let timer = null
  let latest = 0

  const query = () => new URLSearchParams(new FormData(form)).toString()

  const refresh = async () => {
    const params = query()
    const ticket = ++latest
    try {
      const response = await fetch(`${url}?${params}`, {
        headers: { 'X-Requested-With': 'fetch' },
        credentials: 'same-origin'
      })
      if (!response.ok || ticket !== latest) return // a newer search has started, or an error: keep the old list
      target.innerHTML = await response.text()
    } catch (error) {
      // Offline or the server is busy: the Search button still works.
    }
  }

  form.addEventListener('input', () => {
    // "Register a new family" carries what was typed, so nothing is typed twice.
    if (newLink) newLink.search = query()
    clearTimeout(timer)
    timer = setTimeout(refresh, 300)
  })
}

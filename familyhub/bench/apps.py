from django.apps import AppConfig


class BenchConfig(AppConfig):
    name = "familyhub.bench"
    label = "bench"
    verbose_name = "Benchmarks"

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

  // The date of birth is three boxes (Day, Month, Year). While it is half typed it is left out
  // of the live search, so the matches on the name stay and no "must include a year" flashes up.
  const datePart = (part) => (form.elements.namedItem(`date_of_birth_${part}`)?.value || '').trim()
  const liveQuery = () => {
    const params = new URLSearchParams(new FormData(form))
    const complete = datePart('day') && datePart('month') && /^\d{4}$/.test(datePart('year'))
    if (!complete) ['day', 'month', 'year'].forEach((part) => params.delete(`date_of_birth_${part}`))
    return params.toString()
  }

  const refresh = async () => {
    const params = liveQuery()
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

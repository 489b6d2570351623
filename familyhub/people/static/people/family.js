// Registering a family (progressive enhancement): one person at a time, with "Add another
// person", and the expected date of delivery only for an unborn baby. Without JavaScript every
// row and field shows; rows left blank are skipped by the server.
const rows = [...document.querySelectorAll('[data-member-row]')]

const hasContent = (row) =>
  [...row.querySelectorAll('input[type="text"], input:not([type])')].some((input) => input.value.trim()) ||
  row.querySelector('.govuk-form-group--error, input[type="checkbox"]:checked, input[name$="-existing"]:checked')

const deliveryDate = (row) => {
  const unborn = row.querySelector('input[name$="-is_unborn"]')
  const day = row.querySelector('input[name$="-expected_date_of_delivery_day"]')
  // The date's own form group, around its fieldset (each box has a group of its own too).
  const group = day && day.closest('.govuk-date-input')?.closest('.govuk-fieldset')?.closest('.govuk-form-group')
  if (!unborn || !group) return
  const show = () => { group.hidden = !unborn.checked }
  unborn.addEventListener('change', show)
  show()
}

if (rows.length > 1) {
  rows.forEach(deliveryDate)
  rows.forEach((row, index) => { row.hidden = index > 0 && !hasContent(row) })
  const button = document.createElement('button')
  button.type = 'button'
  button.className = 'govuk-button govuk-button--secondary'
  button.dataset.testid = 'add-person'
  button.textContent = 'Add another person'
  const place = () => {
    const hidden = rows.filter((row) => row.hidden)
    button.hidden = hidden.length === 0
    const lastShown = rows.filter((row) => !row.hidden).pop()
    lastShown.after(button)
  }
  button.addEventListener('click', () => {
    const next = rows.find((row) => row.hidden)
    if (!next) return
    next.hidden = false
    place()
    const first = next.querySelector('select, input:not([type="hidden"])')
    if (first) first.focus()
  })
  place()
}

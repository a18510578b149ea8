// The dossier page: the "Afdrukken" button prints the page (it stays hidden without JavaScript).
document.querySelectorAll("[data-print]").forEach((button) => {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
});

// "Print this guide": the button is shown only where JavaScript runs (the browser's own Print works everywhere).
document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
});

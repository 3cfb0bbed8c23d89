// bolcorpus report: the text views, the edit inspector and the filters. No libraries, no network.
(function () {
  "use strict";
  const all = (selector, root) => Array.from((root || document).querySelectorAll(selector));

  // A document's text: repaired, raw, side by side, or its entities (displaCy).
  all("button[data-view]").forEach((button) => button.addEventListener("click", () => {
    document.getElementById("views").dataset.mode = button.dataset.view;
    all("button[data-view]").forEach((b) => b.setAttribute("aria-pressed", String(b === button)));
  }));

  // Clicking an edit (or Enter on it) shows its rule, and what it replaced with what.
  const visible = (text) => (text === "" ? "∅" : text.replace(/\n/g, "⏎").replace(/\t/g, "⇥"));
  function inspect(mark) {
    const box = document.getElementById("inspector");
    box.querySelector(".rule").textContent = mark.dataset.rule;
    box.querySelector(".before").textContent = visible(mark.dataset.before);
    box.querySelector(".after").textContent = visible(mark.dataset.after);
    box.hidden = false;
    all("mark.edit.selected").forEach((m) => m.classList.remove("selected"));
    mark.classList.add("selected");
  }
  document.addEventListener("click", (event) => {
    const mark = event.target.closest && event.target.closest("mark.edit");
    if (mark && document.getElementById("inspector")) inspect(mark);
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && event.target.matches && event.target.matches("mark.edit")) inspect(event.target);
  });

  // Filters: a control with data-filter="NAME" keeps the elements of its data-scope whose data-NAME
  // holds one of the words of its value (data-match="substring": contains the value). data-mode="dim"
  // dims the others instead of hiding them.
  const controls = all("[data-filter]");
  function passes(element, control) {
    const value = control.value.trim().toLowerCase();
    if (!value) return true;
    const field = (element.dataset[control.dataset.filter] || "").toLowerCase();
    if (control.dataset.filter === "search" || control.dataset.match === "substring") return field.includes(value);
    const words = field.split(/[\s+]+/);
    return value.split(/\s+/).some((word) => words.includes(word));
  }
  function apply() {
    const scopes = new Set(controls.map((c) => c.dataset.scope));
    scopes.forEach((scope) => {
      const mine = controls.filter((c) => c.dataset.scope === scope);
      let shown = 0;
      const elements = all(scope);
      elements.forEach((element) => {
        const ok = mine.every((c) => passes(element, c));
        if (mine.some((c) => c.dataset.mode === "dim")) element.classList.toggle("dim", !ok);
        else element.hidden = !ok;
        if (ok) shown += 1;
      });
      all(`output[data-count-for="${scope}"]`).forEach((o) => { o.textContent = `${shown} of ${elements.length} shown`; });
    });
  }
  controls.forEach((c) => ["input", "change"].forEach((type) => c.addEventListener(type, apply)));
  // index.html#entity=mnr&rule=… sets the filters of that name.
  new URLSearchParams(location.hash.slice(1)).forEach((value, name) => {
    controls.filter((c) => c.name === name).forEach((c) => { c.value = value; });
  });
  apply();
}());

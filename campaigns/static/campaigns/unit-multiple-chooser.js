/* Several administrative units in one field: the chosen units are hidden inputs in a list; "Add units" opens the
   unit chooser with boxes to tick (Wagtail's chooser modal, multiple mode). Event delegation, so inline forms added
   later (targets) work too. */
(function () {
  'use strict';

  function addUnit(root, id, title) {
    const list = root.querySelector('[data-unit-multi-list]');
    const key = String(id);
    const exists = Array.from(list.querySelectorAll('[data-unit-id]')).some((item) => item.dataset.unitId === key);
    if (exists) {
      return;
    }
    const item = document.createElement('li');
    item.className = 'unit-multi__item';
    item.dataset.unitId = key;
    const input = document.createElement('input');
    input.type = 'hidden';
    input.name = root.dataset.name;
    input.value = key;
    const label = document.createElement('span');
    label.textContent = title;
    const remove = document.createElement('button');
    remove.type = 'button';
    remove.className = 'button button-small button-secondary';
    remove.dataset.unitMultiRemove = '';
    remove.textContent = root.dataset.removeText;
    remove.setAttribute('aria-label', `${root.dataset.removeText} ${title}`);
    item.append(input, label, ' ', remove);
    list.append(item);
  }

  document.addEventListener('click', (event) => {
    const remove = event.target.closest('[data-unit-multi-remove]');
    if (remove) {
      remove.closest('[data-unit-id]').remove();
      return;
    }
    const choose = event.target.closest('[data-unit-multi-choose]');
    if (!choose) {
      return;
    }
    const root = choose.closest('[data-unit-multi]');
    window.ModalWorkflow({
      url: root.dataset.chooserUrl,
      urlParams: { multiple: 1 },
      onload: window.CHOOSER_MODAL_ONLOAD_HANDLERS,
      responses: {
        chosen: (result) => {
          (Array.isArray(result) ? result : [result]).forEach((unit) => addUnit(root, unit.id, unit.title));
        },
      },
    });
  });
})();

// Names Manager UI: talks to the API on the same origin (nginx proxies /api/ in Kubernetes;
// locally the API serves this folder itself).
const form = document.querySelector('#add-form');
const input = document.querySelector('#name-input');
const message = document.querySelector('#message');
const rows = document.querySelector('#names tbody');
const empty = document.querySelector('#empty');
const when = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

function show(text, kind = 'error') {
  message.textContent = text;
  message.className = kind;
  message.hidden = false;
}

async function api(method, path, body) {
  const response = await fetch(path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(data.error ?? `The server answered ${response.status}`);
  return data;
}

function render(names) {
  rows.replaceChildren(
    ...names.map((entry) => {
      const row = document.createElement('tr');
      row.dataset.id = String(entry.id);
      const cells = [String(entry.id), entry.name, when.format(new Date(entry.created_at))];
      for (const [index, text] of cells.entries()) {
        const cell = document.createElement('td');
        cell.textContent = text;
        if (index === 1) cell.dir = 'auto'; // right-to-left names render in their own direction
        if (index === 2) {
          cell.className = 'when';
          cell.title = entry.created_at;
        }
        row.append(cell);
      }
      const remove = document.createElement('button');
      remove.type = 'button';
      remove.textContent = 'Delete';
      remove.setAttribute('aria-label', `Delete ${entry.name}`);
      remove.addEventListener('click', () => deleteName(entry));
      const action = document.createElement('td');
      action.append(remove);
      row.append(action);
      return row;
    }),
  );
  empty.hidden = names.length > 0;
}

async function refresh() {
  try {
    render((await api('GET', '/api/names')).names);
  } catch (error) {
    show(`Could not load names: ${error.message}`);
  }
}

async function deleteName(entry) {
  if (!window.confirm(`Delete "${entry.name}"?`)) return;
  try {
    await api('DELETE', `/api/names/${entry.id}`);
    show(`Deleted "${entry.name}".`, 'info');
  } catch (error) {
    show(error.message);
  }
  await refresh();
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  try {
    const added = await api('POST', '/api/names', { name: input.value });
    input.value = '';
    show(`Added "${added.name}".`, 'info');
  } catch (error) {
    show(error.message);
  }
  await refresh();
});

refresh();

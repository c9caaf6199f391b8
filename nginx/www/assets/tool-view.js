// What the test page shows around a tool: the arguments a call starts from (from the tool's
// inputSchema), a table of the schema's properties, and results as JSON plus tables of rows.
import { el } from './common.js';

// An example value for a property with no default, by its JSON Schema type.
function example(prop) {
  if (Array.isArray(prop.enum) && prop.enum.length) return prop.enum[0];
  const type = Array.isArray(prop.type) ? prop.type.find((t) => t !== 'null') : prop.type;
  switch (type) {
    case 'integer':
    case 'number':
      return typeof prop.minimum === 'number' ? prop.minimum : 0;
    case 'boolean':
      return false;
    case 'array':
      return [];
    case 'object':
      return {};
    default:
      return '';
  }
}

// The arguments object a call starts from: every property that has a default, with it, and every
// required property, with its default or an example of its type to fill in.
export function initialArguments(schema) {
  const props = schema?.properties || {};
  const required = new Set(schema?.required || []);
  const args = {};
  for (const [name, prop] of Object.entries(props)) {
    if (prop && 'default' in prop) args[name] = prop.default;
    else if (required.has(name)) args[name] = example(prop || {});
  }
  return args;
}

// A table of the schema's properties: name, type, required, default, description.
export function schemaTable(schema) {
  const props = Object.entries(schema?.properties || {});
  if (!props.length) return el('p', { class: 'muted' }, 'This tool takes no arguments.');
  const required = new Set(schema?.required || []);
  const type = (p) => {
    const t = Array.isArray(p.type) ? p.type.join(' | ') : p.type || '';
    return p.enum ? `${t}: ${p.enum.join(', ')}` : t;
  };
  return el('table', { class: 'rows', id: 'arg-schema' },
    el('thead', {}, el('tr', {}, ['argument', 'type', 'required', 'default', 'description'].map((h) => el('th', {}, h)))),
    el('tbody', {}, props.map(([name, p]) => el('tr', {},
      el('td', { class: 'mono' }, name),
      el('td', {}, type(p || {})),
      el('td', {}, required.has(name) ? 'yes' : ''),
      el('td', { class: 'mono' }, p && 'default' in p ? JSON.stringify(p.default) : ''),
      el('td', {}, p?.description || ''))),
    ));
}

// The object a tool result is about: structuredContent, or the JSON in its first text block.
export function resultObject(result) {
  if (result?.structuredContent && typeof result.structuredContent === 'object') return result.structuredContent;
  const text = result?.content?.find?.((c) => c?.type === 'text')?.text;
  if (typeof text === 'string') {
    try {
      return JSON.parse(text);
    } catch {
      return undefined;
    }
  }
  return undefined;
}

function isRows(v) {
  return Array.isArray(v) && v.length > 0 && v.every((r) => r && typeof r === 'object' && !Array.isArray(r));
}

// Every list of rows in `obj` (itself, or one of its top-level fields), as [caption, rows].
export function rowSets(obj) {
  if (isRows(obj)) return [['rows', obj]];
  if (!obj || typeof obj !== 'object') return [];
  return Object.entries(obj).filter(([, v]) => isRows(v));
}

function cell(v) {
  if (v === null || v === undefined) return el('td', { class: 'muted' }, '');
  if (typeof v === 'number') return el('td', { class: 'num' }, String(v));
  if (typeof v === 'object') {
    const s = JSON.stringify(v);
    return el('td', { class: 'mono', title: s }, s.length > 120 ? `${s.slice(0, 117)}...` : s);
  }
  return el('td', {}, String(v));
}

// A table for a list of rows: one column per key, in the order the keys first appear.
export function rowsTable(caption, rows) {
  const cols = [];
  for (const r of rows) for (const k of Object.keys(r)) if (!cols.includes(k)) cols.push(k);
  return el('table', { class: 'rows', dataset: { caption } },
    el('caption', {}, `${caption} (${rows.length} row${rows.length === 1 ? '' : 's'})`),
    el('thead', {}, el('tr', {}, cols.map((c) => el('th', {}, c)))),
    el('tbody', {}, rows.map((r) => el('tr', {}, cols.map((c) => cell(r[c]))))));
}

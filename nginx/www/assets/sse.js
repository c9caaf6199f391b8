// Reading Server-Sent Events from a fetch() response body. EventSource cannot POST or send an
// Authorization header, so the test page reads the stream itself.

// Splits a text stream into SSE frames as the HTML standard's parser does (LF, CRLF or CR line
// ends; `field: value` with one optional space; a blank line ends a frame), but keeps what the
// standard drops, because the page shows everything on the wire: a frame with no data (the
// priming event: id and retry only) and comment lines (`: keepalive`), each as its own frame.
export class SseParser {
  constructor(onFrame) {
    this.onFrame = onFrame;
    this.buf = '';
    this.reset();
  }

  reset() {
    this.frame = { event: '', data: [], id: null, retry: null, fields: 0 };
  }

  push(text) {
    this.buf += text;
    let start = 0;
    for (;;) {
      const m = /\r\n|\r|\n/g;
      m.lastIndex = start;
      const hit = m.exec(this.buf);
      if (!hit) break;
      // A CR at the very end may be the first half of a CRLF still in flight.
      if (hit[0] === '\r' && hit.index === this.buf.length - 1) break;
      this.line(this.buf.slice(start, hit.index));
      start = hit.index + hit[0].length;
    }
    this.buf = this.buf.slice(start);
  }

  line(line) {
    if (line === '') {
      if (this.frame.fields) {
        const f = this.frame;
        this.onFrame({
          kind: 'event',
          event: f.event || 'message',
          data: f.data.join('\n'),
          hasData: f.data.length > 0,
          id: f.id,
          retry: f.retry,
        });
      }
      this.reset();
      return;
    }
    if (line.startsWith(':')) {
      this.onFrame({ kind: 'comment', text: line.slice(1).trim() });
      return;
    }
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    const f = this.frame;
    f.fields++;
    if (field === 'event') f.event = value;
    else if (field === 'data') f.data.push(value);
    else if (field === 'id') f.id = value;
    else if (field === 'retry' && /^\d+$/.test(value)) f.retry = Number(value);
  }
}

// Reads `response.body` to its end, calling onFrame for every frame. Resolves when the server ends
// the stream; rejects with the fetch's AbortError when the caller aborts, or a network error.
export async function readSse(response, onFrame) {
  const parser = new SseParser(onFrame);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      parser.push(value);
    }
  } finally {
    reader.releaseLock();
  }
}

// The JSON in a frame's data, or undefined when it is not JSON.
export function frameJson(frame) {
  if (!frame.hasData || frame.data === '') return undefined;
  try {
    return JSON.parse(frame.data);
  } catch {
    return undefined;
  }
}

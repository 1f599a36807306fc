// Injected into the page before the app starts: window.api with the preload's shape, over HTTP + SSE.
;(() => {
  let source = null
  function ensureSource() {
    if (source) return
    source = new EventSource('/__bridge/events')
    source.onerror = () => {}
  }
  window.api = Object.freeze({
    invoke(channel, input) {
      return fetch('/__bridge/invoke', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ channel, input }),
      }).then((response) => response.json())
    },
    on(event, listener) {
      ensureSource()
      const forward = (message) => listener(JSON.parse(message.data))
      source.addEventListener(event, forward)
      return () => source.removeEventListener(event, forward)
    },
  })
})()

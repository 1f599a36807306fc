// Injected into the page before the app starts: window.api with the preload's shape. Calls are requests to the
// app's origin that the test answers without the network; events arrive through __bridgeDeliver (see server.ts).
;(() => {
  const listeners = new Map()
  let announced = false
  window.__bridgeDeliver = (event, payload) => {
    for (const listener of listeners.get(event) ?? []) listener(payload)
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
      if (!listeners.has(event)) listeners.set(event, new Set())
      listeners.get(event).add(listener)
      if (!announced) {
        announced = true
        void window.__bridgeListen?.()
      }
      return () => listeners.get(event)?.delete(listener)
    },
  })
})()

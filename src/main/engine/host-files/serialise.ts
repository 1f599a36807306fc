// Runs the changes to one key (a shop of a host) one after another on this laptop, in the order they were asked.
const queues = new Map<string, Promise<unknown>>()

export function serialise<T>(key: string, run: () => Promise<T>): Promise<T> {
  const previous = queues.get(key) ?? Promise.resolve()
  const next = previous.catch(() => undefined).then(run)
  queues.set(key, next)
  void next
    .finally(() => {
      if (queues.get(key) === next) queues.delete(key)
    })
    .catch(() => undefined)
  return next
}

// Serves the built renderer from app://shop-manager/ so the page has a real origin and a strict CSP applies.
import { pathToFileURL } from 'node:url'
import { net, protocol } from 'electron'
import { resolveAppPath } from './navigation-policy'

export const APP_SCHEME = 'app'
export const APP_ORIGIN = `${APP_SCHEME}://shop-manager`

/** Must run before the app is ready. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }])
}

export function serveAppScheme(root: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url)
    const file = url.host === 'shop-manager' ? resolveAppPath(root, url.pathname) : null
    if (!file) return new Response('Not found', { status: 404 })
    return net.fetch(pathToFileURL(file).toString())
  })
}

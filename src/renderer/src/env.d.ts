/// <reference types="vite/client" />
import type { Api } from '@shared/contract'

declare global {
  interface Window {
    /** The typed IPC contract, exposed by the preload (or the end-to-end test bridge). */
    api: Api
  }
}

declare module '*.vue' {
  import type { DefineComponent } from 'vue'
  const component: DefineComponent<object, object, unknown>
  export default component
}

export {}

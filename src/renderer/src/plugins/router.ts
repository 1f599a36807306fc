// Hash history: the app is served from app://shop-manager/index.html, with no server to rewrite paths.
import { createRouter, createWebHashHistory } from 'vue-router'

export const sections = ['shops', 'drafts', 'hosts', 'templates', 'settings'] as const
export type Section = (typeof sections)[number]

export const router = createRouter({
  history: createWebHashHistory(),
  routes: [
    { path: '/', redirect: '/shops' },
    { path: '/shops', name: 'shops', component: () => import('../views/ShopsView.vue') },
    { path: '/shops/:name', name: 'shop', component: () => import('../views/ShopDetailView.vue'), props: true },
    { path: '/drafts', name: 'drafts', component: () => import('../views/DraftsView.vue') },
    { path: '/hosts', name: 'hosts', component: () => import('../views/HostsView.vue') },
    { path: '/templates', name: 'templates', component: () => import('../views/TemplatesView.vue') },
    { path: '/settings', name: 'settings', component: () => import('../views/SettingsView.vue') },
  ],
})

// Hash history: the app is served from app://shop-manager/index.html, with no server to rewrite paths.
import { mdiFileDocumentEditOutline, mdiServerNetwork, mdiStorefrontOutline, mdiViewDashboardOutline } from '@mdi/js'
import { createRouter, createWebHashHistory } from 'vue-router'
import SectionView from '../views/SectionView.vue'

export const sections = ['shops', 'drafts', 'hosts', 'templates', 'settings'] as const
export type Section = (typeof sections)[number]

export const router = createRouter({
  history: createWebHashHistory(),
  routes: [
    { path: '/', redirect: '/shops' },
    { path: '/shops', name: 'shops', component: SectionView, props: { section: 'shops', icon: mdiStorefrontOutline } },
    { path: '/drafts', name: 'drafts', component: SectionView, props: { section: 'drafts', icon: mdiFileDocumentEditOutline } },
    { path: '/hosts', name: 'hosts', component: SectionView, props: { section: 'hosts', icon: mdiServerNetwork } },
    { path: '/templates', name: 'templates', component: SectionView, props: { section: 'templates', icon: mdiViewDashboardOutline } },
    { path: '/settings', name: 'settings', component: () => import('../views/SettingsView.vue') },
  ],
})

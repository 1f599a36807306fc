import { describe, expect, it } from 'vitest'
import { imageRefText, parseImageRef, withTag } from './image-ref'

describe('parseImageRef', () => {
  it('fills in Docker Hub and its library namespace', () => {
    expect(parseImageRef('nginx')).toEqual({ registry: 'docker.io', repository: 'library/nginx', tag: null, digest: null })
    expect(parseImageRef('prestashop/prestashop:8.2')).toEqual({ registry: 'docker.io', repository: 'prestashop/prestashop', tag: '8.2', digest: null })
    expect(parseImageRef('index.docker.io/library/debian:bookworm-slim')?.registry).toBe('docker.io')
  })

  it('reads a registry by its dot, its port or localhost', () => {
    expect(parseImageRef('ghcr.io/saleor/saleor:3.20')).toEqual({ registry: 'ghcr.io', repository: 'saleor/saleor', tag: '3.20', digest: null })
    expect(parseImageRef('127.0.0.1:5443/shopmgr/busybox:test')).toMatchObject({ registry: '127.0.0.1:5443', repository: 'shopmgr/busybox', tag: 'test' })
    expect(parseImageRef('localhost/shop')).toMatchObject({ registry: 'localhost', repository: 'shop', tag: null })
  })

  it('keeps a digest apart from the tag', () => {
    const digest = `sha256:${'a'.repeat(64)}`
    expect(parseImageRef(`registry.example.com:5000/b2x/app:1.4@${digest}`)).toMatchObject({ registry: 'registry.example.com:5000', tag: '1.4', digest })
  })

  it('refuses what is no reference', () => {
    for (const bad of ['', 'Nginx', 'shop:', 'a b', 'shop@sha256:xyz', 'shop:-x', 'acme//shop', `${'a'.repeat(301)}`]) {
      expect(parseImageRef(bad), bad).toBeNull()
    }
  })
})

describe('imageRefText and withTag', () => {
  it('write the reference the way Docker shows it', () => {
    expect(imageRefText(parseImageRef('docker.io/library/nginx:1.27')!)).toBe('nginx:1.27')
    expect(withTag(parseImageRef('ghcr.io/saleor/saleor:3.20')!, '3.21')).toBe('ghcr.io/saleor/saleor:3.21')
    expect(withTag(parseImageRef(`127.0.0.1:5443/shop@sha256:${'b'.repeat(64)}`)!, '2.0')).toBe('127.0.0.1:5443/shop:2.0')
  })
})

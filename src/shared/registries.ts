// Container registries this laptop has credentials for, and the tags of an image as a registry lists them.

/** A registry as the renderer sees it: the password stays in the keychain. */
export interface RegistryAccount {
  /** As image references name it: `ghcr.io`, `registry.example.com:5000`, `docker.io`. */
  host: string
  username: string
  /** A certificate authority (PEM) the registry's certificate is checked against, for an in-house CA. */
  ca: string | null
}

export interface ImageTag {
  tag: string
  /** When the image was built, from its config (ISO time); null where the registry did not give it. */
  created: string | null
}

export interface ImageTags {
  /** The image the tags belong to, without its tag. */
  image: string
  /** Newest first: dated tags by their time, then the rest by name, highest version first. */
  tags: ImageTag[]
  /** False when the registry has more tags than were read (the newest dates are of the first ones read). */
  complete: boolean
}

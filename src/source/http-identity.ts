import { SourceError } from '../errors.js';

/**
 * Which object a reply came from. Pinned at the first reply; every later reply must match, so a
 * read never stitches bytes of two different objects together. A strong ETag names the object;
 * a weak one (W/"…") only promises "semantically equal" and is ignored, leaving Last-Modified
 * and the size.
 */
export interface ObjectIdentity {
  size: number;
  etag?: string;
  lastModified?: string;
}

export function identityOf(headers: Headers, size: number): ObjectIdentity {
  const id: ObjectIdentity = { size };
  const etag = headers.get('etag');
  if (etag && !etag.startsWith('W/')) id.etag = etag;
  const lastModified = headers.get('last-modified');
  if (lastModified) id.lastModified = lastModified;
  return id;
}

/** Fields present on both sides must agree; the size always must. */
export function sameObject(pinned: ObjectIdentity, seen: ObjectIdentity): boolean {
  if (pinned.size !== seen.size) return false;
  if (pinned.etag && seen.etag) return pinned.etag === seen.etag;
  if (pinned.lastModified && seen.lastModified) return pinned.lastModified === seen.lastModified;
  return true;
}

/** The header that makes the server itself refuse a changed object (412), where one is usable. */
export function ifMatchHeader(pinned: ObjectIdentity | undefined): Record<string, string> {
  return pinned?.etag ? { 'If-Match': pinned.etag } : {};
}

export function describeIdentity(id: ObjectIdentity): string {
  return [id.etag && `ETag ${id.etag}`, id.lastModified && `Last-Modified ${id.lastModified}`, `${id.size} bytes`]
    .filter(Boolean)
    .join(', ');
}

export function sourceChanged(label: string, pinned: ObjectIdentity, seen?: ObjectIdentity): SourceError {
  const now = seen ? describeIdentity(seen) : 'a failed If-Match precondition (412)';
  return new SourceError('SOURCE_CHANGED', `${label} changed while being read: was ${describeIdentity(pinned)}, now ${now}`, {
    hint: 'the object was replaced on the server; start again to read the new one',
  });
}

// The key material of Message Stream Encryption: the 768-bit Diffie-Hellman exchange,
// the SHA-1 hashes both sides send, and the two RC4 streams (keyA for what the
// initiator sends, keyB for what the responder sends), each with its first 1024 bytes of
// keystream dropped as the spec requires.
import { createDiffieHellman, createHash, randomBytes, type DiffieHellman } from 'node:crypto';
import { Rc4 } from './rc4.ts';

/** P of the MSE spec (generator G = 2); 96 bytes, so every public key and S is 96 bytes. */
const PRIME_HEX =
  'FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A0879' +
  '8E3404DDEF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A63A36210000000000090563';

export const MSE_KEY_BYTES = 96;
/** Private exponents of 160 bits: the spec's recommendation (128 minimum, >180 adds nothing). */
export const MSE_PRIVATE_KEY_BYTES = 20;
/** Keystream bytes each RC4 stream drops before its first use. */
export const RC4_DISCARD_BYTES = 1024;

const GENERATOR = Uint8Array.of(2);

// createDiffieHellman checks the prime each time it is called (~40 ms on a 2-core VM);
// computeSecret with a fresh private key is ~0.1 ms. So one object serves every
// handshake: setPrivateKey and computeSecret run back to back on the main thread, and
// our public key is computeSecret(G): G raised to our private key, mod P.
let group: DiffieHellman | undefined;
function dhGroup(): DiffieHellman {
  return (group ??= createDiffieHellman(Buffer.from(PRIME_HEX, 'hex'), GENERATOR));
}

export class MseKeyError extends Error {
  override readonly name = 'MseKeyError';
}

/** One side's ephemeral key pair. */
export interface MseKeyPair {
  privateKey: Uint8Array;
  /** Y = G^X mod P, 96 bytes big-endian. */
  publicKey: Uint8Array;
}

export function generateKeyPair(privateKey: Uint8Array = randomBytes(MSE_PRIVATE_KEY_BYTES)): MseKeyPair {
  const dh = dhGroup();
  dh.setPrivateKey(Buffer.from(privateKey));
  return { privateKey, publicKey: padLeft(dh.computeSecret(GENERATOR)) };
}

/** S = Y_remote^X mod P, 96 bytes. Throws MseKeyError for a degenerate remote key (0, 1, ≥ P-1). */
export function sharedSecret(ours: MseKeyPair, remotePublicKey: Uint8Array): Uint8Array {
  const dh = dhGroup();
  dh.setPrivateKey(Buffer.from(ours.privateKey));
  try {
    return padLeft(dh.computeSecret(remotePublicKey));
  } catch (err) {
    throw new MseKeyError(`unusable Diffie-Hellman public key: ${(err as Error).message}`);
  }
}

export function sha1(...parts: (Uint8Array | string)[]): Uint8Array {
  const h = createHash('sha1');
  for (const part of parts) h.update(part);
  return new Uint8Array(h.digest());
}

/** HASH('req2', SKEY): what a responder looks an info-hash up by. */
export function req2Hash(infoHash: Uint8Array): Uint8Array {
  return sha1('req2', infoHash);
}

/** The RC4 stream keyed HASH('keyA' | 'keyB', S, SKEY), first 1024 bytes dropped. */
export function streamCipher(which: 'keyA' | 'keyB', secret: Uint8Array, infoHash: Uint8Array): Rc4 {
  const rc4 = new Rc4(sha1(which, secret, infoHash));
  rc4.discard(RC4_DISCARD_BYTES);
  return rc4;
}

export function xor20(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(20);
  for (let i = 0; i < 20; i++) out[i] = a[i]! ^ b[i]!;
  return out;
}

function padLeft(bytes: Uint8Array): Uint8Array {
  if (bytes.length === MSE_KEY_BYTES) return new Uint8Array(bytes);
  const out = new Uint8Array(MSE_KEY_BYTES);
  out.set(
    bytes.subarray(Math.max(0, bytes.length - MSE_KEY_BYTES)),
    MSE_KEY_BYTES - Math.min(bytes.length, MSE_KEY_BYTES),
  );
  return out;
}

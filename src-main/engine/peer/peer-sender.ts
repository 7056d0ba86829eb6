// The sending half of a PeerConnection: typed send methods, our choke/interest state,
// upload accounting and back-pressure. Split out so each file reads on its own.
import type { PeerSocket } from './peer-socket.ts';
import type { BlockRefBatch } from '../../protocol/wire/block-ref-batch.ts';
import {
  encodeExtensionHandshake,
  LOCAL_EXTENSION_IDS,
  type ExtensionHandshake,
} from '../../protocol/wire/extension-handshake.ts';
import {
  supportsExtensionProtocol,
  supportsFastExtension,
  supportsDht,
  type Handshake,
} from '../../protocol/wire/handshake.ts';
import {
  encodeMessage,
  encodePieceHeader,
  encodeRequestBatch,
  encodeRequests,
  MessageId,
  PIECE_HEADER_BYTES,
  writePieceHeader,
  type BlockRef,
  type WireMessage,
} from '../../protocol/wire/messages.ts';
import { encodeUtMetadata, type UtMetadataMessage } from '../../protocol/wire/ut-metadata.ts';
import { encodeUtPex, type PexMessage } from '../../protocol/wire/ut-pex.ts';
import type { Rc4 } from '../../protocol/mse/rc4.ts';
import { RateMeter } from '../rate/rate-meter.ts';
import type { PeerConnectionEvents } from './peer-events.ts';
import { TypedEmitter } from './typed-emitter.ts';

const CHOKE = encodeMessage({ type: 'choke' });
const UNCHOKE = encodeMessage({ type: 'unchoke' });
const INTERESTED = encodeMessage({ type: 'interested' });
const NOT_INTERESTED = encodeMessage({ type: 'not-interested' });
const KEEP_ALIVE = encodeMessage({ type: 'keep-alive' });
const HAVE_ALL = encodeMessage({ type: 'have-all' });
const HAVE_NONE = encodeMessage({ type: 'have-none' });

export abstract class PeerSender extends TypedEmitter<PeerConnectionEvents> {
  /** BEP 3: we start choking the peer and not interested. */
  amChoking = true;
  amInterested = false;
  localHandshake: Handshake | null = null;
  remoteHandshake: Handshake | null = null;
  /** The remote's BEP 10 handshake once received. */
  remoteExtensions: ExtensionHandshake | null = null;
  /** Raw bytes sent, protocol overhead included. */
  bytesSent = 0;
  /** Payload (piece block) bytes sent. */
  readonly uploadRate: RateMeter;
  protected lastSentAtMs: number;
  /**
   * RC4 of an MSE connection: every byte written goes through it, in write order (the
   * keystream is positional). Enciphering copies, so the no-copy contracts of
   * `sendPiece`/`sendPieces` still hold for the caller's buffers.
   */
  protected cipher: Rc4 | null = null;

  protected constructor(
    protected readonly socket: PeerSocket,
    protected readonly now: () => number,
  ) {
    super();
    this.uploadRate = new RateMeter({ now });
    this.lastSentAtMs = now();
  }

  abstract get isClosed(): boolean;

  /** BEP 6 negotiated: both handshakes set the bit. */
  get fastExtension(): boolean {
    return (
      !!this.localHandshake &&
      !!this.remoteHandshake &&
      supportsFastExtension(this.localHandshake.reserved) &&
      supportsFastExtension(this.remoteHandshake.reserved)
    );
  }

  /** BEP 5: both handshakes set the DHT bit, so each side may send PORT. */
  get dhtSupported(): boolean {
    return (
      !!this.localHandshake &&
      !!this.remoteHandshake &&
      supportsDht(this.localHandshake.reserved) &&
      supportsDht(this.remoteHandshake.reserved)
    );
  }

  /** BEP 10 negotiated. */
  get extensionProtocol(): boolean {
    return (
      !!this.localHandshake &&
      !!this.remoteHandshake &&
      supportsExtensionProtocol(this.localHandshake.reserved) &&
      supportsExtensionProtocol(this.remoteHandshake.reserved)
    );
  }

  /** Bytes queued in the socket and not yet handed to the kernel (back-pressure). */
  get bufferedBytes(): number {
    return this.socket.writableLength;
  }

  /** False while the socket's buffer is over its high-water mark (wait for 'drain'). */
  get writable(): boolean {
    return !this.isClosed && !this.socket.writableNeedDrain;
  }

  // ---------------------------------------------------------------- sending

  protected write(bytes: Uint8Array): boolean {
    if (this.isClosed) return false;
    // BEP 3: nothing but the handshake may come first (sendHandshake sets it before writing).
    if (!this.localHandshake) throw new Error('send before the handshake');
    this.lastSentAtMs = this.now();
    this.bytesSent += bytes.length;
    return this.put(bytes);
  }

  /** socket.write, through the cipher when there is one. */
  private put(bytes: Uint8Array, onWritten?: () => void): boolean {
    const out = this.cipher ? this.cipher.applyCopy(bytes) : bytes;
    return onWritten ? this.socket.write(out, () => onWritten()) : this.socket.write(out);
  }

  /** Sends any message (the typed helpers below are preferred). Returns socket.write's result. */
  send(msg: WireMessage): boolean {
    this.checkCanSend(msg.type);
    switch (msg.type) {
      case 'choke':
        this.amChoking = true;
        break;
      case 'unchoke':
        this.amChoking = false;
        break;
      case 'interested':
        this.amInterested = true;
        break;
      case 'not-interested':
        this.amInterested = false;
        break;
      case 'piece':
        return this.sendPiece(msg.index, msg.begin, msg.block);
    }
    return this.write(encodeMessage(msg));
  }

  private checkCanSend(type: WireMessage['type']): void {
    if (!this.localHandshake) throw new Error(`send ${type} before the handshake`);
    const fast =
      type === 'suggest' ||
      type === 'have-all' ||
      type === 'have-none' ||
      type === 'reject' ||
      type === 'allowed-fast';
    if (fast && this.remoteHandshake && !this.fastExtension)
      throw new Error(`${type} needs the BEP 6 fast extension`);
  }

  sendKeepAlive(): boolean {
    return this.write(KEEP_ALIVE);
  }

  sendChoke(): boolean {
    this.amChoking = true;
    return this.write(CHOKE);
  }

  sendUnchoke(): boolean {
    this.amChoking = false;
    return this.write(UNCHOKE);
  }

  sendInterested(): boolean {
    this.amInterested = true;
    return this.write(INTERESTED);
  }

  sendNotInterested(): boolean {
    this.amInterested = false;
    return this.write(NOT_INTERESTED);
  }

  sendHave(index: number): boolean {
    return this.write(encodeMessage({ type: 'have', index }));
  }

  sendBitfield(bytes: Uint8Array): boolean {
    return this.write(encodeMessage({ type: 'bitfield', bytes }));
  }

  sendRequest(ref: BlockRef): boolean {
    return this.write(encodeRequests([ref]));
  }

  /** Several requests in one write (a pipeline refill). */
  sendRequests(refs: readonly BlockRef[]): boolean {
    if (refs.length === 0) return this.writable;
    return this.write(encodeRequests(refs));
  }

  /** Every request of `batch` in one write (the download path's allocation-free refill). */
  sendRequestBatch(batch: BlockRefBatch): boolean {
    if (batch.count === 0) return this.writable;
    return this.write(encodeRequestBatch(batch));
  }

  sendCancel(ref: BlockRef): boolean {
    return this.write(encodeRequests([ref], MessageId.cancel));
  }

  /**
   * Sends a block without copying it: header and block go out in one writev. The block
   * must not be modified until the socket has written it (watch `bufferedBytes`).
   */
  sendPiece(index: number, begin: number, block: Uint8Array): boolean {
    if (this.isClosed) return false;
    if (!this.localHandshake) throw new Error('send before the handshake');
    const header = encodePieceHeader(index, begin, block.length);
    this.lastSentAtMs = this.now();
    this.bytesSent += header.length + block.length;
    this.uploadRate.add(block.length);
    this.socket.cork();
    this.put(header);
    const ok = this.put(block);
    this.socket.uncork();
    return ok;
  }

  /**
   * Sends a run of blocks cut from one buffer (`data` starts at the first ref's `begin`;
   * every ref is in the same piece) as one writev: corking around the whole run makes the
   * socket flush header+block pairs for up to a read window in one system call instead of
   * one per 16 KiB block. Same no-copy contract as `sendPiece`; `onFlushed` is called once
   * the socket no longer needs `data` (written to the kernel, failed, or nothing sent), so
   * the caller may recycle it.
   */
  sendPieces(refs: readonly BlockRef[], data: Uint8Array, onFlushed?: () => void): boolean {
    if (this.isClosed || refs.length === 0) {
      onFlushed?.();
      return this.writable;
    }
    if (!this.localHandshake) throw new Error('send before the handshake');
    const first = refs[0]!.begin;
    // One allocation for every header of the run (subarray views go to the socket).
    const headers = new Uint8Array(PIECE_HEADER_BYTES * refs.length);
    let ok = true;
    let payloadBytes = 0;
    this.socket.cork();
    for (let i = 0; i < refs.length; i++) {
      const ref = refs[i]!;
      const at = ref.begin - first;
      const header = headers.subarray(i * PIECE_HEADER_BYTES, (i + 1) * PIECE_HEADER_BYTES);
      writePieceHeader(header, ref.index, ref.begin, ref.length);
      this.put(header);
      // Writes complete in order, so the last one's callback covers the whole run.
      const last = i === refs.length - 1;
      const block = data.subarray(at, at + ref.length);
      ok = last && onFlushed ? this.put(block, onFlushed) : this.put(block);
      payloadBytes += ref.length;
    }
    this.socket.uncork();
    this.lastSentAtMs = this.now();
    this.bytesSent += payloadBytes + headers.length;
    this.uploadRate.add(payloadBytes);
    return ok;
  }

  sendPort(port: number): boolean {
    return this.write(encodeMessage({ type: 'port', port }));
  }

  sendSuggest(index: number): boolean {
    return this.send({ type: 'suggest', index });
  }

  sendHaveAll(): boolean {
    this.checkCanSend('have-all');
    return this.write(HAVE_ALL);
  }

  sendHaveNone(): boolean {
    this.checkCanSend('have-none');
    return this.write(HAVE_NONE);
  }

  sendReject(ref: BlockRef): boolean {
    this.checkCanSend('reject');
    return this.write(encodeRequests([ref], MessageId.reject));
  }

  sendAllowedFast(index: number): boolean {
    return this.send({ type: 'allowed-fast', index });
  }

  sendExtended(extId: number, payload: Uint8Array): boolean {
    return this.write(encodeMessage({ type: 'extended', extId, payload }));
  }

  /**
   * BEP 10 handshake; `m` defaults to the extensions we implement. Over uTP it also says
   * how big a datagram we read (`utp_max_datagram`), so another Swarmdrop may send bigger
   * packets where the path carries them.
   */
  sendExtensionHandshake(h: Omit<ExtensionHandshake, 'm'> & { m?: Record<string, number> }): boolean {
    const maxDatagram = this.socket.maxReadDatagramBytes;
    return this.sendExtended(
      0,
      encodeExtensionHandshake({
        ...(maxDatagram !== undefined ? { utpMaxDatagramBytes: maxDatagram } : {}),
        ...h,
        m: h.m ?? { ...LOCAL_EXTENSION_IDS },
      }),
    );
  }

  /** False (nothing sent) when the peer did not advertise ut_metadata. */
  sendUtMetadata(msg: UtMetadataMessage): boolean {
    const id = this.remoteExtensions?.m.ut_metadata;
    if (!id) return false;
    return this.sendExtended(id, encodeUtMetadata(msg));
  }

  /** False (nothing sent) when the peer did not advertise ut_pex. */
  sendUtPex(msg: PexMessage): boolean {
    const id = this.remoteExtensions?.m.ut_pex;
    if (!id) return false;
    return this.sendExtended(id, encodeUtPex(msg));
  }
}

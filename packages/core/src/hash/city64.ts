import type { Hasher } from './hasher.ts';
import { city64To16, city64To32 } from './city64-short.ts';
import { HI, add64, mul64, read32, rotl64 } from './u64.ts';

/**
 * CityHash64 exactly as Google's CityHash release 1.1.1 (src/city.cc in google/cityhash). Its
 * values differ from 1.0.x: 1.0.3 and 1.1 changed the function, 1.1.1 left it as in 1.1.
 * Little-endian reads, as the reference on x86. Inputs of up to 32 bytes take city64-short.ts.
 *
 * Above 32 bytes City keeps up to fifteen 64-bit values alive at once, too many to pass around as
 * int32 pairs. They live in a register file instead: register `n` is `reg[n]` (high half) and
 * `reg[n + 1]` (low half), and the code below reads like the reference, one operation per call.
 */
const reg = new Int32Array(64);

// Registers (even indices). K0, K1, K2, KMUL hold the reference's constants.
const A = 0;
const B = 2;
const C = 4;
const D = 6;
const E = 8;
const F = 10;
const G = 12;
const H = 14;
const MUL = 16;
const X = 18;
const Y = 20;
const Z = 22;
const V1 = 24;
const V2 = 26;
const W1 = 28;
const W2 = 30;
const T0 = 32;
const T1 = 34;
const T2 = 36;
const T3 = 38;
const S0 = 40;
const S1 = 42;
const K0 = 50;
const K1 = 52;
const K2 = 54;
const KMUL = 56;
const NINE = 58;
reg.set([0xc3a5c85c, 0x97cb3127, 0xb492b66f, 0xbe98f273, 0x9ae16a3b, 0x2f90404f, 0x9ddfea08, 0xeb382d69, 0, 9], K0);

function set(d: number, h: number, l: number): void {
  reg[d] = h;
  reg[d + 1] = l;
}
/** Fetch64: the little-endian word at `bytes[p, p + 8)`. */
function load(d: number, bytes: Uint8Array, p: number): void {
  set(d, read32(bytes, p + 4), read32(bytes, p));
}
function add(d: number, a: number, b: number): void {
  const l = add64(reg[a]!, reg[a + 1]!, reg[b]!, reg[b + 1]!);
  set(d, HI[0]!, l);
}
function mul(d: number, a: number, b: number): void {
  const l = mul64(reg[a]!, reg[a + 1]!, reg[b]!, reg[b + 1]!);
  set(d, HI[0]!, l);
}
function xor(d: number, a: number, b: number): void {
  set(d, reg[a]! ^ reg[b]!, reg[a + 1]! ^ reg[b + 1]!);
}
/** The reference's `Rotate`: a right rotation by 1..63. */
function rotr(d: number, a: number, shift: number): void {
  const l = rotl64(reg[a]!, reg[a + 1]!, 64 - shift);
  set(d, HI[0]!, l);
}
/** `ShiftMix`: `v ^ (v >> 47)`. */
function shiftMix(d: number, a: number): void {
  set(d, reg[a]!, reg[a + 1]! ^ (reg[a]! >>> 15));
}
function bswap32(v: number): number {
  return (v >>> 24) | ((v >>> 8) & 0xff00) | ((v & 0xff00) << 8) | (v << 24);
}
function bswap64(d: number, a: number): void {
  set(d, bswap32(reg[a + 1]!), bswap32(reg[a]!));
}

/** `HashLen16(u, v, mul)`; with `m = KMUL` it is `Hash128to64(uint128(u, v))`. Uses T0, T1. */
function hashLen16(d: number, u: number, v: number, m: number): void {
  xor(T0, u, v);
  mul(T0, T0, m);
  shiftMix(T0, T0);
  xor(T1, v, T0);
  mul(T1, T1, m);
  shiftMix(T1, T1);
  mul(d, T1, m);
}

/** `mul = k2 + len * 2`. */
function setMul(len: number): void {
  set(T0, 0, len * 2);
  add(MUL, K2, T0);
}

function len33to64(s: Uint8Array, len: number): void {
  setMul(len);
  load(A, s, 0);
  mul(A, A, K2);
  load(B, s, 8);
  load(C, s, len - 24);
  load(D, s, len - 32);
  load(E, s, 16);
  mul(E, E, K2);
  load(F, s, 24);
  mul(F, F, NINE);
  load(G, s, len - 8);
  load(H, s, len - 16);
  mul(H, H, MUL);
  // u = Rotate(a + g, 43) + (Rotate(b, 30) + c) * 9  → T2
  add(T2, A, G);
  rotr(T2, T2, 43);
  rotr(T3, B, 30);
  add(T3, T3, C);
  mul(T3, T3, NINE);
  add(T2, T2, T3);
  // v = ((a + g) ^ d) + f + 1  → V1
  add(V1, A, G);
  xor(V1, V1, D);
  add(V1, V1, F);
  set(T3, 0, 1);
  add(V1, V1, T3);
  // w = bswap_64((u + v) * mul) + h  → W1
  add(W1, T2, V1);
  mul(W1, W1, MUL);
  bswap64(W1, W1);
  add(W1, W1, H);
  // x = Rotate(e + f, 42) + c
  add(X, E, F);
  rotr(X, X, 42);
  add(X, X, C);
  // y = (bswap_64((v + w) * mul) + g) * mul
  add(Y, V1, W1);
  mul(Y, Y, MUL);
  bswap64(Y, Y);
  add(Y, Y, G);
  mul(Y, Y, MUL);
  // z = e + f + c
  add(Z, E, F);
  add(Z, Z, C);
  // a = bswap_64((x + z) * mul + y) + b
  add(A, X, Z);
  mul(A, A, MUL);
  add(A, A, Y);
  bswap64(A, A);
  add(A, A, B);
  // b = ShiftMix((z + a) * mul + d + h) * mul; return b + x
  add(B, Z, A);
  mul(B, B, MUL);
  add(B, B, D);
  add(B, B, H);
  shiftMix(B, B);
  mul(B, B, MUL);
  add(A, B, X);
}

/**
 * `WeakHashLen32WithSeeds(s + p, a, b)` into registers `first`, `second`. The seeds are read from
 * S0 and S1, which it clobbers, so callers compute them there first.
 */
function weakHash32(first: number, second: number, s: Uint8Array, p: number): void {
  load(T2, s, p + 24); // z
  load(T3, s, p); // w
  add(S0, S0, T3); // a += w
  add(S1, S1, S0);
  add(S1, S1, T2);
  rotr(S1, S1, 21); // b = Rotate(b + a + z, 21)
  set(T3, reg[S0]!, reg[S0 + 1]!); // c = a
  load(T0, s, p + 8);
  add(S0, S0, T0); // a += x
  load(T0, s, p + 16);
  add(S0, S0, T0); // a += y
  rotr(T0, S0, 44);
  add(S1, S1, T0); // b += Rotate(a, 44)
  add(first, S0, T2);
  add(second, S1, T3);
}

function longHash(s: Uint8Array, len: number): void {
  load(X, s, len - 40);
  load(Y, s, len - 16);
  load(T2, s, len - 56);
  add(Y, Y, T2);
  load(T2, s, len - 48);
  set(T3, 0, len);
  add(T2, T2, T3);
  load(T3, s, len - 24);
  hashLen16(Z, T2, T3, KMUL);
  set(S0, 0, len);
  set(S1, reg[Z]!, reg[Z + 1]!);
  weakHash32(V1, V2, s, len - 64);
  add(S0, Y, K1);
  set(S1, reg[X]!, reg[X + 1]!);
  weakHash32(W1, W2, s, len - 32);
  mul(X, X, K1);
  load(T2, s, 0);
  add(X, X, T2);
  const end = (len - 1) & ~63;
  for (let p = 0; p < end; p += 64) {
    add(X, X, Y);
    add(X, X, V1);
    load(T2, s, p + 8);
    add(X, X, T2);
    rotr(X, X, 37);
    mul(X, X, K1);
    add(Y, Y, V2);
    load(T2, s, p + 48);
    add(Y, Y, T2);
    rotr(Y, Y, 42);
    mul(Y, Y, K1);
    xor(X, X, W2);
    add(Y, Y, V1);
    load(T2, s, p + 40);
    add(Y, Y, T2);
    add(Z, Z, W1);
    rotr(Z, Z, 33);
    mul(Z, Z, K1);
    mul(S0, V2, K1);
    add(S1, X, W1);
    weakHash32(V1, V2, s, p);
    add(S0, Z, W2);
    load(T2, s, p + 16);
    add(S1, Y, T2);
    weakHash32(W1, W2, s, p + 32);
    // std::swap(z, x)
    set(T2, reg[Z]!, reg[Z + 1]!);
    set(Z, reg[X]!, reg[X + 1]!);
    set(X, reg[T2]!, reg[T2 + 1]!);
  }
  // HashLen16(HashLen16(v.first, w.first) + ShiftMix(y) * k1 + z, HashLen16(v.second, w.second) + x)
  hashLen16(A, V1, W1, KMUL);
  shiftMix(T2, Y);
  mul(T2, T2, K1);
  add(A, A, T2);
  add(A, A, Z);
  hashLen16(B, V2, W2, KMUL);
  add(B, B, X);
  hashLen16(A, A, B, KMUL);
}

/** CityHash64 of `bytes[0, length)`; writes `out[0]` low, `out[1]` high. */
export function city64(bytes: Uint8Array, length: number, out: Uint32Array): void {
  if (length <= 16) city64To16(bytes, length, out);
  else if (length <= 32) city64To32(bytes, length, out);
  else {
    if (length <= 64) len33to64(bytes, length);
    else longHash(bytes, length);
    out[0] = reg[A + 1]!;
    out[1] = reg[A]!;
  }
}

const out64 = new Uint32Array(2);

/** The `city64` hasher: `hash64` is CityHash64, `hash32` its low 32 bits. */
export const city64Hasher: Hasher = {
  name: 'city64',
  hash32(bytes: Uint8Array, length: number): number {
    city64(bytes, length, out64);
    return out64[0]!;
  },
  hash64: city64,
};

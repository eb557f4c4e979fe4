// Byte-level reads from a uint[] storage buffer, so block-quantized and 16-bit data need no
// 8/16-bit storage extensions (the RX 580 path). Requires a `W_WORDS(i)` macro that returns
// word i of the buffer being read.
uint byte_at(uint b) { return (W_WORDS(b >> 2) >> ((b & 3u) << 3)) & 0xFFu; }
int sbyte_at(uint b) { return int(byte_at(b) << 24) >> 24; }
uint u16_at(uint b) { return (W_WORDS(b >> 2) >> ((b & 2u) << 3)) & 0xFFFFu; }  // b even
float half_at(uint b) { return unpackHalf2x16(u16_at(b)).x; }
float bf16_at(uint b) { return uintBitsToFloat(u16_at(b) << 16); }
uint u32_at(uint b) { return byte_at(b) | (byte_at(b + 1) << 8) | (byte_at(b + 2) << 16) | (byte_at(b + 3) << 24); }

// Tile sizes of gemm_core.glsl as specialization constants; included by gemm_core and by
// shaders whose hooks size shared tables by them (before gemm_core).
#ifndef GEMM_TILES_GLSL
#define GEMM_TILES_GLSL
layout(constant_id = 1) const uint BM = 64;
layout(constant_id = 2) const uint BN = 64;
layout(constant_id = 3) const uint BK = 16;
layout(constant_id = 4) const uint TM = 4;
layout(constant_id = 5) const uint TN = 4;
// CONTIG = 1: an invocation owns TM consecutive rows and TN consecutive columns (shared reads
// can become 16-byte loads); 0: rows/columns strided by BM/TM, BN/TN (conflict-free scalar).
layout(constant_id = 7) const uint CONTIG = 0;
#endif

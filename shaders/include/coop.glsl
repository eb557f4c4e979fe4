// Cooperative-matrix layer: 16x16 fp16 x fp16 -> fp32 fragments per subgroup of 32.
// Default: GL_NV_cooperative_matrix (NVIDIA tensor cores). With COOP_EMULATE the same
// calls run as scalar code over shared memory (a "subgroup" is 32 consecutive invocations),
// so a shader's staging, indexing and epilogue can be checked by the parity harness on
// devices without matrix cores (llvmpipe; VKFLOW_VK_COOP_EMULATE=1). Emulated A/B fragments
// are references into a shared buffer: the including shader defines COOP_READ(id, index)
// returning element `index` of its shared buffer number `id` as float.
// Fragments may only be loaded from / stored to shared memory, with 16-byte aligned offsets
// and strides (a multiple of 8 fp16 or 4 fp32 elements).
#ifdef COOP_EMULATE
#define SG_ID (gl_LocalInvocationID.x / 32u)
#define SG_LANE (gl_LocalInvocationID.x % 32u)
#define SG_SIZE 32u
#define SG_SYNC() barrier()  // every invocation runs the same (uniform) coop code
struct FragH { uint id, off, stride; bool colmajor; };
struct FragF { float v[8]; };  // lane l holds row-major elements 8l .. 8l+7
#define COOP_ZERO(acc) { [[unroll]] for (uint e_ = 0; e_ < 8u; ++e_) acc.v[e_] = 0.0; }
#define COOP_LOAD(frag, buf, id_, off_, stride_, cm) frag = FragH(id_, off_, stride_, cm)
#define COOP_STORE(acc, buf, off_, stride_) \
  { [[unroll]] for (uint e_ = 0; e_ < 8u; ++e_) { uint i_ = SG_LANE * 8u + e_; buf[(off_) + (i_ / 16u) * (stride_) + i_ % 16u] = acc.v[e_]; } }
float coop_frag_at(FragH f, uint r, uint c) {
  return COOP_READ(f.id, f.colmajor ? f.off + c * f.stride + r : f.off + r * f.stride + c);
}
FragF coop_mma(FragH a, FragH b, FragF acc) {
  [[unroll]] for (uint e = 0; e < 8u; ++e) {
    uint i = SG_LANE * 8u + e, r = i / 16u, c = i % 16u;
    float s = acc.v[e];
    for (uint k = 0; k < 16u; ++k) s = fma(coop_frag_at(a, r, k), coop_frag_at(b, k, c), s);
    acc.v[e] = s;
  }
  return acc;
}
#else
#extension GL_NV_cooperative_matrix : require
#extension GL_KHR_memory_scope_semantics : require
#extension GL_KHR_shader_subgroup_basic : require
#define SG_ID gl_SubgroupID
#define SG_LANE gl_SubgroupInvocationID
#define SG_SIZE gl_SubgroupSize
// Makes a subgroup's shared-memory writes (fragment stores, lane writes) visible to its lanes.
#define SG_SYNC() { subgroupMemoryBarrierShared(); subgroupBarrier(); }
#define FragH fcoopmatNV<16, gl_ScopeSubgroup, 16, 16>
#define FragF fcoopmatNV<32, gl_ScopeSubgroup, 16, 16>
#define COOP_ZERO(acc) acc = FragF(0.0)
#define COOP_LOAD(frag, buf, id_, off_, stride_, cm) coopMatLoadNV(frag, buf, off_, stride_, cm)
#define COOP_STORE(acc, buf, off_, stride_) coopMatStoreNV(acc, buf, off_, stride_, false)
#define coop_mma(a, b, acc) coopMatMulAddNV(a, b, acc)
#endif

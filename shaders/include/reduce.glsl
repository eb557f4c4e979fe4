// Workgroup-wide sum and max through shared memory (no subgroup features needed, so the
// same code runs on GCN, NVIDIA and llvmpipe). Every invocation must call them.
shared float red_buf[gl_WorkGroupSize.x];

float wg_sum(float v) {
  uint t = gl_LocalInvocationID.x;
  barrier();
  red_buf[t] = v;
  barrier();
  for (uint s = gl_WorkGroupSize.x / 2; s > 0; s >>= 1) {
    if (t < s) red_buf[t] += red_buf[t + s];
    barrier();
  }
  return red_buf[0];
}

float wg_max(float v) {
  uint t = gl_LocalInvocationID.x;
  barrier();
  red_buf[t] = v;
  barrier();
  for (uint s = gl_WorkGroupSize.x / 2; s > 0; s >>= 1) {
    if (t < s) red_buf[t] = max(red_buf[t], red_buf[t + s]);
    barrier();
  }
  return red_buf[0];
}

#version 450
// Fills a float buffer with a constant: used to poison outputs in tests and to zero buffers.
layout(local_size_x_id = 0) in;
layout(std430, binding = 0) writeonly buffer Dst { float d[]; };
layout(push_constant) uniform P { uint n; float value; } p;
void main() {
  uint i = gl_GlobalInvocationID.x;
  if (i < p.n) d[i] = p.value;
}

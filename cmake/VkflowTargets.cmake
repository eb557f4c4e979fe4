# vkflow_module(NAME DIR [DEPS ...]): an object library from every .cpp under DIR (recursive).
# Object libraries keep self-registering kernels, nodes and commands in every binary.
# Files named *_avx2.cpp are compiled with AVX2/FMA/F16C; callers pick them at run time.
function(vkflow_module name dir)
  cmake_parse_arguments(M "" "" "DEPS;EXCLUDE" ${ARGN})
  file(GLOB_RECURSE srcs CONFIGURE_DEPENDS ${dir}/*.cpp)
  foreach(ex ${M_EXCLUDE})
    list(FILTER srcs EXCLUDE REGEX "${ex}")
  endforeach()
  add_library(${name} OBJECT ${srcs})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR})
  target_link_libraries(${name} PUBLIC ${M_DEPS})
  foreach(s ${srcs})
    if(s MATCHES "_avx2\\.cpp$")
      set_source_files_properties(${s} PROPERTIES COMPILE_OPTIONS "-mavx2;-mfma;-mf16c")
    endif()
  endforeach()
endfunction()

# vkflow_link_all(TARGET): link the objects of every module into an executable.
function(vkflow_link_all target)
  target_link_libraries(${target} PRIVATE vkflow_scheduler vkflow_nodes vkflow_graph vkflow_runtime vkflow_shaders)
endfunction()

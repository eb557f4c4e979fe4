# Compile GLSL compute shaders to SPIR-V with glslangValidator and embed them in the binary.
# vkflow_shader(NAME SOURCE [DEFINES A=1 B ...]) adds one SPIR-V blob named NAME; variants of
# one source differ only by their defines (runtime choices use specialization constants).
set(VKFLOW_SPV_DIR ${CMAKE_BINARY_DIR}/spv)
file(MAKE_DIRECTORY ${VKFLOW_SPV_DIR})
set_property(GLOBAL PROPERTY VKFLOW_SHADER_NAMES "")

function(vkflow_shader name src)
  cmake_parse_arguments(S "" "" "DEFINES" ${ARGN})
  set(defs "")
  foreach(d ${S_DEFINES})
    list(APPEND defs "-D${d}")
  endforeach()
  set(out ${VKFLOW_SPV_DIR}/${name}.spv)
  file(GLOB incs CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/shaders/include/*.glsl)
  add_custom_command(OUTPUT ${out}
    COMMAND ${GLSLANG_VALIDATOR} -V --target-env vulkan1.2 -I${PROJECT_SOURCE_DIR}/shaders/include
            ${defs} -o ${out} ${src}
    DEPENDS ${src} ${incs}
    COMMENT "glslang ${name}" VERBATIM)
  set_property(GLOBAL APPEND PROPERTY VKFLOW_SHADER_NAMES ${name})
endfunction()

# Call once after all vkflow_shader(): generates the embedding table and the library.
function(vkflow_shader_library target)
  get_property(names GLOBAL PROPERTY VKFLOW_SHADER_NAMES)
  set(spvs "")
  foreach(n ${names})
    list(APPEND spvs ${VKFLOW_SPV_DIR}/${n}.spv)
  endforeach()
  set(gen ${CMAKE_BINARY_DIR}/generated/embedded_shaders.cpp)
  add_custom_command(OUTPUT ${gen}
    COMMAND ${CMAKE_COMMAND} -DOUT=${gen} "-DNAMES=${names}" -DSPV_DIR=${VKFLOW_SPV_DIR}
            -P ${PROJECT_SOURCE_DIR}/cmake/EmbedShaders.cmake
    DEPENDS ${spvs} ${PROJECT_SOURCE_DIR}/cmake/EmbedShaders.cmake
    COMMENT "embedding ${target} SPIR-V" VERBATIM)
  add_library(${target} STATIC ${gen} ${PROJECT_SOURCE_DIR}/shaders/embedded.cpp)
  target_include_directories(${target} PUBLIC ${PROJECT_SOURCE_DIR})
endfunction()

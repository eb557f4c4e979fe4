# vkflow_embed_assets(TARGET DIR): runtime/assets/embedded_assets.cpp pulls the files under DIR
# into the binary with the assembler's .incbin; give it DIR and rebuild it when a file changes.
function(vkflow_embed_assets target dir)
  set(src ${PROJECT_SOURCE_DIR}/runtime/assets/embedded_assets.cpp)
  file(GLOB_RECURSE files CONFIGURE_DEPENDS ${dir}/*)
  list(FILTER files EXCLUDE REGEX "README\\.md$")
  set_source_files_properties(${src} TARGET_DIRECTORY ${target} PROPERTIES
    COMPILE_DEFINITIONS "VKFLOW_ASSETS_DIR=\"${dir}\""
    OBJECT_DEPENDS "${files}")
endfunction()

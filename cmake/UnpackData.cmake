# Large data files (tokenizer vocabularies, tiny test models, reference tensors) are committed
# xz-packed as NAME.tar.xz holding the one file NAME, which keeps the repository small; they are
# unpacked in place, beside their archive, when CMake configures (the unpacked names are listed
# in .gitignore; scripts/pack_data.sh makes an archive). Also runs on its own, from the source
# root, where no build is configured (e.g. on a machine that only runs prebuilt tests):
#   cmake -P cmake/UnpackData.cmake
function(vkflow_unpack_data root)
  set(deps CONFIGURE_DEPENDS)
  if(CMAKE_SCRIPT_MODE_FILE)
    set(deps "")
  endif()
  file(GLOB_RECURSE packs ${deps} ${root}/assets/*.tar.xz ${root}/tests/data/*.tar.xz)
  foreach(pack IN LISTS packs)
    string(REGEX REPLACE "\\.tar\\.xz$" "" out "${pack}")
    # Unpack again only when the archive changed (a checkout gives it a newer time).
    if(NOT EXISTS "${out}" OR "${pack}" IS_NEWER_THAN "${out}")
      get_filename_component(dir "${out}" DIRECTORY)
      file(ARCHIVE_EXTRACT INPUT "${pack}" DESTINATION "${dir}")
      if(NOT EXISTS "${out}")
        message(FATAL_ERROR "${pack} does not hold ${out}")
      endif()
      file(TOUCH "${out}")  # the archive keeps time 0; mark it newer than its archive
    endif()
  endforeach()
endfunction()

if(CMAKE_SCRIPT_MODE_FILE)
  vkflow_unpack_data(${CMAKE_CURRENT_LIST_DIR}/..)
endif()

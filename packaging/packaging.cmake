# Installing and packaging: install() rules for the five tools, their man pages, the systemd units,
# the sysusers file, the sample configurations and the docs, and CPack's Debian package
# (`cpack -G DEB`). Included from the top CMakeLists.txt after the executables are defined.
# docs/install.md describes the result.
#
# A tree meant for installing is configured without the test suite, so without its test hooks:
#   cmake -S . -B build-dist -DCMAKE_BUILD_TYPE=Release -DUTXO_BUILD_TESTS=OFF
#   cmake --build build-dist -j2 && (cd build-dist && cpack -G DEB)

set(UTXO_TOOLS utxo-indexer utxo-signer utxo-trustnet utxo-seeder utxo-verifier)
set(UTXO_UNITS utxo-seeder.service utxo-indexer.service utxo-verifier-serve.service
               utxo-verifier-fetch.service utxo-verifier-fetch.timer utxo-verifier-follow.service)
set(UTXO_CONFIGS seeder.conf indexer.conf verifier.conf)
set(UTXO_SYSTEMD_UNIT_DIR "/lib/systemd/system" CACHE PATH "where the systemd units are installed")
set(UTXO_SYSUSERS_DIR "/usr/lib/sysusers.d" CACHE PATH "where the sysusers.d file is installed")
set(UTXO_CONFIG_DIR "/etc/utxo-torrent" CACHE PATH "where the configuration files are installed")
set(UTXO_DOC_DIR "share/doc/utxo-torrent")

# An installed binary must not carry the test hooks (scripts/check-binaries.py).
if(UTXO_BUILD_TESTS)
  install(CODE "message(FATAL_ERROR \"this tree was configured with UTXO_BUILD_TESTS=ON and its \
binaries carry test hooks: install or package a tree configured with -DUTXO_BUILD_TESTS=OFF\")")
endif()

install(TARGETS ${UTXO_TOOLS} RUNTIME DESTINATION bin)

# Man pages from each tool's --help (help2man), made by the build of a tree meant for installing
# only: a test tree's builds stay as fast as before.
if(UTXO_BUILD_TESTS)
  set(man_default OFF)
else()
  set(man_default ON)
endif()
option(UTXO_MAN_PAGES "Make and install the man pages (help2man)" ${man_default})
if(UTXO_MAN_PAGES)
  find_program(UTXO_HELP2MAN help2man REQUIRED)
  find_program(UTXO_PYTHON3 python3 REQUIRED)
  set(man_dir ${CMAKE_BINARY_DIR}/man)
  set(man_pages)
  foreach(tool IN LISTS UTXO_TOOLS)
    add_custom_command(
      OUTPUT ${man_dir}/${tool}.1.gz
      COMMAND ${CMAKE_COMMAND} -E make_directory ${man_dir}
      COMMAND ${UTXO_PYTHON3} ${CMAKE_CURRENT_LIST_DIR}/man/make-man.py --help2man ${UTXO_HELP2MAN}
              --bin-dir $<TARGET_FILE_DIR:${tool}> --tool ${tool} --out ${man_dir}/${tool}.1.gz
      DEPENDS ${tool} ${CMAKE_CURRENT_LIST_DIR}/man/make-man.py
      COMMENT "man page ${tool}.1"
      VERBATIM)
    list(APPEND man_pages ${man_dir}/${tool}.1.gz)
  endforeach()
  add_custom_target(utxo-man-pages ALL DEPENDS ${man_pages})
  install(FILES ${man_pages} DESTINATION share/man/man1)
endif()

list(TRANSFORM UTXO_UNITS PREPEND ${CMAKE_CURRENT_LIST_DIR}/systemd/ OUTPUT_VARIABLE unit_files)
install(FILES ${unit_files} DESTINATION ${UTXO_SYSTEMD_UNIT_DIR})
install(FILES ${CMAKE_CURRENT_LIST_DIR}/systemd/utxo-torrent.sysusers
        DESTINATION ${UTXO_SYSUSERS_DIR} RENAME utxo-torrent.conf)
list(TRANSFORM UTXO_CONFIGS PREPEND ${CMAKE_CURRENT_LIST_DIR}/config/ OUTPUT_VARIABLE config_files)
install(FILES ${config_files} DESTINATION ${UTXO_CONFIG_DIR})
install(FILES ${config_files} DESTINATION ${UTXO_DOC_DIR}/examples)
file(GLOB doc_pages CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/docs/*.md)
install(FILES ${PROJECT_SOURCE_DIR}/README.md ${doc_pages} DESTINATION ${UTXO_DOC_DIR})

# The Debian package.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME utxo-torrent)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "utxo-torrent")
set(CPACK_PACKAGE_CONTACT "utxo-torrent maintainers <utxo-torrent@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Bitcoin UTXO set releases over BitTorrent, with multi-party trust")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_PACKAGE_NAME utxo-torrent)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${CPACK_PACKAGE_CONTACT}")
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS systemd)
# The long description; CPack puts the summary above it and indents it as Debian wants.
set(CPACK_PACKAGE_DESCRIPTION
    "utxo-torrent distributes the Bitcoin UTXO set over BitTorrent. An indexer
(utxo-indexer) cuts releases of the set, authorities sign them (utxo-signer),
a seeder (utxo-seeder) serves them, and the verifier (utxo-verifier) accepts a
release only when every authority of the user's trustnet (utxo-trustnet)
signed the very same data; it then answers queries and serves an
Esplora-compatible API.

The package ships systemd units for the seeder, the indexer and the verifier,
sample configurations in /etc/utxo-torrent and a system user; it enables and
starts no service.")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${CMAKE_CURRENT_LIST_DIR}/debian/conffiles ${CMAKE_CURRENT_LIST_DIR}/debian/postinst
    ${CMAKE_CURRENT_LIST_DIR}/debian/prerm ${CMAKE_CURRENT_LIST_DIR}/debian/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)

# `cmake --install` puts headers, the component libraries and a package
# config in place so that other projects can find_package(duet).
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

get_property(duet_components GLOBAL PROPERTY DUET_COMPONENTS)
install(TARGETS duet duet_options ${duet_components} EXPORT duetTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(TARGETS duet_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
foreach(dir ir passes passes/inspect backends backends/pure backends/runtime frontend frontend/nn frontend/optim
            frontend/data frontend/dist frontend/import)
  file(GLOB headers ${PROJECT_SOURCE_DIR}/${dir}/*.h ${PROJECT_SOURCE_DIR}/${dir}/*.def)
  install(FILES ${headers} DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/duet/${dir})
endforeach()
install(EXPORT duetTargets NAMESPACE duet:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/duet)
configure_package_config_file(cmake/duetConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/duetConfig.cmake INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/duet)
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/duetConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/duetConfig.cmake
              ${CMAKE_CURRENT_BINARY_DIR}/duetConfigVersion.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/duet)

# cmake -DPROG=<program> -DEXPECT=<regex> [-DEMU=<emulator;args>] -P expect_crash.cmake
# Passes when PROG exits non-zero (or dies from a signal) AND its output
# matches EXPECT. CTest alone cannot require both: PASS_REGULAR_EXPRESSION
# ignores the exit status and WILL_FAIL then inverts the regex's verdict.
# EMU: CMAKE_CROSSCOMPILING_EMULATOR of a cross build (e.g. qemu-aarch64).
execute_process(COMMAND ${EMU} ${PROG} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
message("exit: ${rc}\nstdout:\n${out}\nstderr:\n${err}")
if(rc STREQUAL "0")
  message(FATAL_ERROR "expected a non-zero exit")
endif()
if(NOT "${out}${err}" MATCHES "${EXPECT}")
  message(FATAL_ERROR "output does not match: ${EXPECT}")
endif()

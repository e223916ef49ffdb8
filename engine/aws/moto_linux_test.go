//go:build linux

package aws

import "syscall"

// motoSysProcAttr gives moto_server its own process group (so TestMain can
// stop it and whatever it forks) and stops it with the test binary should
// that die first (a -timeout panic skips TestMain's cleanup).
func motoSysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}

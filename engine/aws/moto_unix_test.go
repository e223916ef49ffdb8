//go:build unix && !linux

package aws

import "syscall"

// motoSysProcAttr gives moto_server its own process group, so TestMain can
// stop it and whatever it forks.
func motoSysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}

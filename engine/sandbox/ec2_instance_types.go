package sandbox

import "github.com/minimalinfra/mvi/engine/instancetype"

// instanceCapacity is what an instance type offers ECS: CPU units
// (1024 per vCPU), registered memory in MiB and the architecture.
func instanceCapacity(t string) (cpu, mem int, arch string, ok bool) {
	c, ok := instancetype.Of(t)
	return c.CPU, c.Memory, c.Arch, ok
}

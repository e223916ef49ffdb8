package sandbox

import (
	"regexp"
	"strconv"
	"strings"
)

var instanceTypeRE = regexp.MustCompile(`^([a-z]+)(\d+)([a-z\-]*)\.(nano|micro|small|medium|large|xlarge|(\d+)xlarge|metal)$`)

// instanceCapacity is what an instance type offers ECS: CPU units
// (1024 per vCPU), registered memory in MiB (the agent keeps about 5 % back)
// and the architecture.
func instanceCapacity(t string) (cpu, mem int, arch string, ok bool) {
	m := instanceTypeRE.FindStringSubmatch(t)
	if m == nil {
		return 0, 0, "", false
	}
	family, size := m[1], m[4]
	arch = "x86_64"
	if strings.Contains(m[3], "g") {
		arch = "arm64"
	}
	var vcpu int
	var gib float64
	if family == "t" {
		switch size {
		case "nano":
			vcpu, gib = 2, 0.5
		case "micro":
			vcpu, gib = 2, 1
		case "small":
			vcpu, gib = 2, 2
		case "medium":
			vcpu, gib = 2, 4
		case "large":
			vcpu, gib = 2, 8
		}
	}
	if vcpu == 0 {
		switch size {
		case "nano", "micro", "small":
			return 0, 0, "", false
		case "medium":
			vcpu = 1
		case "large":
			vcpu = 2
		case "xlarge":
			vcpu = 4
		case "metal":
			vcpu = 96
		default:
			n, _ := strconv.Atoi(m[5])
			vcpu = 4 * n
		}
		per := 4.0
		switch family {
		case "c":
			per = 2
		case "r", "x", "z":
			per = 8
		}
		if family == "t" {
			per = 4
		}
		gib = float64(vcpu) * per
	}
	return vcpu * 1024, int(gib * 1024 * 0.95), arch, true
}

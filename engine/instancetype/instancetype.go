// Package instancetype knows what an EC2 instance type offers ECS: its CPU
// units, the memory the ECS agent registers and its architecture. The
// manifest checks a container fits on one VM with it, and the sandbox
// registers container instances with it, so the two can't disagree.
package instancetype

import (
	"regexp"
	"strconv"
	"strings"
)

var typeRE = regexp.MustCompile(`^([a-z]+)(\d+)([a-z\-]*)\.(nano|micro|small|medium|large|xlarge|(\d+)xlarge|metal)$`)

// Capacity is what one instance gives the containers it runs.
type Capacity struct {
	CPU    int    // CPU units, 1024 per vCPU
	Memory int    // MiB the ECS agent registers (about 95 % of the RAM)
	Arch   string // x86_64 or arm64
}

// Of reads a type's capacity from its name: family letter, generation,
// attributes and size, as EC2 names them. ok is false for a name that is
// not an instance type (t3.gigantic) or a size a family doesn't have
// (m6i.small).
func Of(t string) (c Capacity, ok bool) {
	m := typeRE.FindStringSubmatch(t)
	if m == nil {
		return Capacity{}, false
	}
	family, size := m[1], m[4]
	c.Arch = "x86_64"
	if strings.Contains(m[3], "g") {
		c.Arch = "arm64"
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
			return Capacity{}, false
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
	c.CPU = vcpu * 1024
	c.Memory = int(gib * 1024 * 0.95)
	return c, true
}

package manifest

import (
	"errors"
	"fmt"

	"github.com/minimalinfra/mvi/engine/instancetype"
)

// maxSecretName keeps a secret's SSM parameter name (/mvi/APP/secrets/NAME)
// well inside SSM's 1011-character limit; a name this long is also an
// environment variable no one could type.
const maxSecretName = 128

// commonInstanceTypes feed did-you-mean for a misspelled vm type; any type
// instancetype understands is accepted.
var commonInstanceTypes = []string{
	"t3.micro", "t3.small", "t3.medium", "t3.large", "t3.xlarge",
	"t4g.micro", "t4g.small", "t4g.medium", "t4g.large",
	"m6i.large", "m6i.xlarge", "c6i.large", "c6i.xlarge", "r6i.large",
}

func checkInstanceType(s string) error {
	if _, ok := instancetype.Of(s); !ok {
		return errors.New("EC2 has no such size in that family")
	}
	return nil
}

// checkFit refuses a container bigger than one VM: ECS places a container
// on one instance, so cpu = 4096 on a t3.small never starts, and ECS says
// only that no instance has room while the service waits forever.
func (d *decoder) checkFit(m *Manifest) {
	if m.VM == nil || d.bad["vm.type"] {
		return
	}
	c, ok := instancetype.Of(m.VM.Type)
	if !ok {
		return
	}
	for _, name := range m.ProcessNames() {
		p := m.Processes[name]
		if p == nil {
			continue
		}
		for _, f := range []struct {
			key       string
			want, has int
			unit      string
		}{
			{"cpu", p.CPU, c.CPU, "CPU units"},
			{"memory", p.Memory, c.Memory, "MiB"},
		} {
			if f.want <= f.has {
				continue
			}
			path := []string{"processes", name, f.key}
			at := pos{1, 1}
			if n := d.nodes[joinPath(path)]; n != nil {
				at = n.at
			} else if n := d.nodes[joinPath(path[:2])]; n != nil {
				at = n.at
			}
			fix := fmt.Sprintf("use %s = %d or less, or a bigger VM under [vm], e.g. type = %q", f.key, f.has, bigger(f.key, f.want))
			d.c.add(at, path, fix, "%s = %d doesn't fit on one %s, which gives containers %d %s: a container runs on one VM",
				f.key, f.want, m.VM.Type, f.has, f.unit)
		}
	}
}

// bigger names the smallest common type with room for want.
func bigger(key string, want int) string {
	for _, t := range commonInstanceTypes {
		c, _ := instancetype.Of(t)
		if (key == "cpu" && c.CPU >= want) || (key == "memory" && c.Memory >= want) {
			return t
		}
	}
	return "m6i.4xlarge"
}

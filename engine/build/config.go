package build

import (
	"fmt"
	"path"
	"strconv"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"
)

// Instructions that change only the image's config, not its files.

// defaultShell is what Docker runs a shell-form CMD with; a function so
// no caller can change it for the next.
func defaultShell() []string { return []string{"/bin/sh", "-c"} }

// configure applies one config-only instruction; ok is false when st is
// not one (COPY/ADD, which make layers).
func (b *builder) configure(st Step) (ok bool, err error) {
	c := &b.cfg.Config
	fail := func(kind Kind, msg, fix string, err error) error {
		return st.fail(b.df.Name, kind, msg, fix, err)
	}
	expand := func(cmd instructions.SupportsSingleWordExpansion) error {
		if err := cmd.Expand(b.sc.word); err != nil {
			return fail(KindSyntax, "cannot expand variables", "check ${…} syntax", err)
		}
		return nil
	}
	switch cmd := st.Cmd.(type) {
	case *instructions.ArgCommand:
		if err := b.sc.declare(cmd); err != nil {
			return true, fail(KindSyntax, "cannot expand variables", "check ${…} syntax", err)
		}
	case *instructions.EnvCommand:
		if err := expand(cmd); err != nil {
			return true, err
		}
		for _, kv := range cmd.Env {
			b.sc.setEnv(kv.Key, kv.Value)
		}
		c.Env = *b.sc.env
	case *instructions.WorkdirCommand:
		if err := expand(cmd); err != nil {
			return true, err
		}
		dir := cmd.Path
		if !path.IsAbs(dir) {
			dir = path.Join(b.workdir(), dir)
		}
		// Runtimes create a missing working directory when the container
		// starts, so the config is all WORKDIR needs to carry here.
		c.WorkingDir = path.Clean(dir)
	case *instructions.ExposeCommand:
		if c.ExposedPorts == nil {
			c.ExposedPorts = map[string]struct{}{}
		}
		for _, p := range cmd.Ports {
			w, err := b.sc.word(p)
			if err != nil {
				return true, fail(KindSyntax, "cannot expand variables", "check ${…} syntax", err)
			}
			ports, err := exposedPorts(w)
			if err != nil {
				return true, fail(KindSyntax, err.Error(), "write EXPOSE 80 or EXPOSE 53/udp or EXPOSE 8000-8010", nil)
			}
			for _, port := range ports {
				c.ExposedPorts[port] = struct{}{}
			}
		}
	case *instructions.UserCommand:
		if err := expand(cmd); err != nil {
			return true, err
		}
		c.User = cmd.User
	case *instructions.LabelCommand:
		if err := expand(cmd); err != nil {
			return true, err
		}
		if c.Labels == nil {
			c.Labels = map[string]string{}
		}
		for _, kv := range cmd.Labels {
			c.Labels[kv.Key] = kv.Value
		}
	case *instructions.CmdCommand:
		c.Cmd = b.commandLine(cmd.ShellDependantCmdLine)
		b.cmdSet = true
	case *instructions.EntrypointCommand:
		c.Entrypoint = b.commandLine(cmd.ShellDependantCmdLine)
		// Docker drops a CMD inherited from the base when the Dockerfile
		// sets an ENTRYPOINT: the old CMD was arguments for another program.
		if !b.cmdSet {
			c.Cmd = nil
		}
	case *instructions.StopSignalCommand:
		if err := expand(cmd); err != nil {
			return true, err
		}
		c.StopSignal = cmd.Signal
	case *instructions.VolumeCommand:
		if err := expand(cmd); err != nil {
			return true, err
		}
		if c.Volumes == nil {
			c.Volumes = map[string]struct{}{}
		}
		for _, v := range cmd.Volumes {
			c.Volumes[v] = struct{}{}
		}
	case *instructions.HealthCheckCommand:
		h := cmd.Health
		c.Healthcheck = &v1.HealthConfig{Test: h.Test, Interval: h.Interval, Timeout: h.Timeout, StartPeriod: h.StartPeriod, Retries: h.Retries}
	case *instructions.ShellCommand:
		c.Shell = cmd.Shell
	case *instructions.MaintainerCommand:
		b.cfg.Author = cmd.Maintainer
	case *instructions.OnbuildCommand:
		c.OnBuild = append(c.OnBuild, cmd.Expression)
	default:
		return false, nil
	}
	return true, nil
}

// commandLine turns the shell form ("CMD httpd-foreground") into the
// exec form Docker stores, using SHELL when the Dockerfile set one.
func (b *builder) commandLine(l instructions.ShellDependantCmdLine) []string {
	if !l.PrependShell {
		return append([]string{}, l.CmdLine...)
	}
	sh := b.cfg.Config.Shell
	if len(sh) == 0 {
		sh = defaultShell()
	}
	return append(append([]string{}, sh...), strings.Join(l.CmdLine, " "))
}

func (b *builder) workdir() string {
	if b.cfg.Config.WorkingDir == "" {
		return "/"
	}
	return b.cfg.Config.WorkingDir
}

// exposedPorts reads "80", "80/tcp", "53/udp" or a range "8000-8010/tcp".
func exposedPorts(s string) ([]string, error) {
	ports, proto, _ := strings.Cut(s, "/")
	if proto == "" {
		proto = "tcp"
	}
	proto = strings.ToLower(proto)
	if proto != "tcp" && proto != "udp" && proto != "sctp" {
		return nil, fmt.Errorf("EXPOSE %s: protocol must be tcp, udp or sctp", s)
	}
	lo, hi, isRange := strings.Cut(ports, "-")
	if !isRange {
		hi = lo
	}
	a, err1 := strconv.Atoi(lo)
	z, err2 := strconv.Atoi(hi)
	if err1 != nil || err2 != nil || a < 1 || z > 65535 || a > z {
		return nil, fmt.Errorf("EXPOSE %s: not a port or port range in 1-65535", s)
	}
	out := make([]string, 0, z-a+1)
	for p := a; p <= z; p++ {
		out = append(out, strconv.Itoa(p)+"/"+proto)
	}
	return out, nil
}

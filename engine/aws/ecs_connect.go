package aws

import (
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/minimalinfra/mvi/engine/arch"
	"github.com/minimalinfra/mvi/engine/resource"
)

// Service Connect, as the ECS service and task definition handlers send
// it (arch/connect.go says why each process joins and how).

// containerHealth is a container health check run by the container's
// shell, nil when the design asks for none.
func containerHealth(h *arch.HealthCheckProps) *ecstypes.HealthCheck {
	if h == nil {
		return nil
	}
	return &ecstypes.HealthCheck{
		Command:  []string{"CMD-SHELL", h.Command},
		Interval: aws.Int32(int32(h.Interval)), Timeout: aws.Int32(int32(h.Timeout)),
		Retries: aws.Int32(int32(h.Retries)), StartPeriod: aws.Int32(int32(h.StartPeriod)),
	}
}

// connectConfig is a service's Service Connect configuration: nil when
// it has no part in it. A server names its port mapping and the alias
// others dial; the proxy's own lines go to the app's log group under the
// process's prefix. The port is proxied as TCP (no appProtocol): mvi
// can't know that a port outside its list of well-known ones speaks
// HTTP, and HTTP handling on a port that doesn't would break it.
func connectConfig(env resource.Env, r arch.Resource, p arch.ServiceProps) (*ecstypes.ServiceConnectConfiguration, error) {
	c := p.Connect
	if c == nil {
		return nil, nil
	}
	ns, err := depAttr(env, r.ID, c.Namespace, "arn")
	if err != nil {
		return nil, err
	}
	group, err := depAttr(env, r.ID, c.LogGroup, "name")
	if err != nil {
		return nil, err
	}
	out := &ecstypes.ServiceConnectConfiguration{Enabled: true, Namespace: aws.String(ns),
		LogConfiguration: &ecstypes.LogConfiguration{LogDriver: ecstypes.LogDriverAwslogs, Options: map[string]string{
			"awslogs-group": group, "awslogs-region": env.Region, "awslogs-stream-prefix": p.Process,
		}}}
	if c.PortName != "" {
		out.Services = []ecstypes.ServiceConnectService{{
			PortName: aws.String(c.PortName), DiscoveryName: aws.String(c.Alias),
			ClientAliases: []ecstypes.ServiceConnectClientAlias{{Port: aws.Int32(int32(c.Port)), DnsName: aws.String(c.Alias)}},
		}}
	}
	return out, nil
}

// connectKey is what decides whether a service's Service Connect
// configuration changed: on, the namespace, and what it serves as.
// ECS answers with the configuration of the primary deployment, naming
// the namespace as it was given, by name or ARN: both are one namespace.
func connectKey(c *ecstypes.ServiceConnectConfiguration, ours ...string) string {
	if c == nil || !c.Enabled {
		return ""
	}
	ns := str(c.Namespace)
	if ns != "" && slices.Contains(ours, ns) {
		ns = "the app's"
	}
	k := "on " + ns
	for _, s := range c.Services {
		k += " " + str(s.PortName) + "=" + str(s.DiscoveryName)
		for _, a := range s.ClientAliases {
			k += " " + str(a.DnsName) + ":" + itoa(int(i32(a.Port)))
		}
	}
	return k
}

// liveConnect is the Service Connect configuration a service runs with.
func liveConnect(s ecstypes.Service) *ecstypes.ServiceConnectConfiguration {
	for _, d := range s.Deployments {
		if str(d.Status) == "PRIMARY" {
			return d.ServiceConnectConfiguration
		}
	}
	return nil
}

// connectRole says in a person's words what a service is in Service
// Connect: "serves api:8000", "client", or "" (not in it).
func connectRole(c *arch.ConnectProps) string {
	switch {
	case c == nil:
		return ""
	case c.PortName != "":
		return "serves " + c.Alias + ":" + itoa(c.Port)
	}
	return "client"
}

// liveConnectRole is connectRole of what a service runs with.
func liveConnectRole(c *ecstypes.ServiceConnectConfiguration) string {
	if c == nil || !c.Enabled {
		return ""
	}
	for _, s := range c.Services {
		for _, a := range s.ClientAliases {
			return "serves " + str(a.DnsName) + ":" + itoa(int(i32(a.Port)))
		}
	}
	return "client"
}

// namespaceRefs are the ways ECS may name the app's namespace back: its
// ARN and its name.
func namespaceRefs(env resource.Env, p arch.ServiceProps) []string {
	if p.Connect == nil {
		return nil
	}
	d := env.Deps[p.Connect.Namespace]
	return []string{d.Attrs["arn"], d.Attrs["name"]}
}

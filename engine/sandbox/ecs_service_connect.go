package sandbox

import (
	"regexp"

	"github.com/aws/aws-sdk-go-v2/aws"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// ECS Service Connect on a service: CreateService and UpdateService
// check a configuration as ECS does (the namespace must exist in Cloud
// Map; a server's portName must name a port mapping of the task
// definition; a discovery name serves one ECS service of a namespace at a
// time; host networking can't take the proxy), keep it on the service and
// on each deployment (DescribeServices reports it per deployment, as ECS
// does), and register each server in the namespace as a Cloud Map
// service. The data plane (connect_dial.go) routes NAME:PORT by it.

// scConfig is a service's Service Connect configuration as kept.
type scConfig struct {
	Namespace string     `json:"namespace"` // the namespace's ARN
	Servers   []scServer `json:"servers,omitempty"`
	LogGroup  string     `json:"log_group,omitempty"`
	LogPrefix string     `json:"log_prefix,omitempty"`
}

type scServer struct {
	PortName  string    `json:"port_name"`
	Discovery string    `json:"discovery_name"`
	CloudMap  string    `json:"cloud_map_service"` // its Cloud Map service's id
	Aliases   []scAlias `json:"aliases"`
}

type scAlias struct {
	DNS  string `json:"dns_name"`
	Port int32  `json:"port"`
}

// serviceConnect checks a requested configuration; nil in is "leave it
// as it is" (keep), Enabled false is off (nil out).
func (t *tx) serviceConnect(in *ecstypes.ServiceConnectConfiguration, keep *scConfig, td *taskDef, svcARN string) (*scConfig, error) {
	if in == nil {
		if keep != nil {
			for _, sv := range keep.Servers {
				if portMapping(td, sv.PortName) == nil {
					return nil, ecsInvalid("Service Connect portName %s of the service is not a port mapping name of task definition %s:%d.", sv.PortName, td.Family, td.Revision)
				}
			}
		}
		return keep, nil
	}
	if !in.Enabled {
		return nil, nil
	}
	if td.NetworkMode == "host" {
		return nil, ecsInvalid("Service Connect does not support the host network mode; use bridge or awsvpc.")
	}
	ref := aws.ToString(in.Namespace)
	if ref == "" {
		return nil, ecsInvalid("Service Connect needs a namespace: set serviceConnectConfiguration.namespace, or the cluster's serviceConnectDefaults.")
	}
	ns := t.namespaceByName(ref)
	if ns == nil {
		return nil, ecsInvalid("The specified namespace %s was not found in AWS Cloud Map.", ref)
	}
	c := &scConfig{Namespace: ns.ARN}
	if lc := in.LogConfiguration; lc != nil {
		if lc.LogDriver != ecstypes.LogDriverAwslogs {
			return nil, ecsInvalid("The sandbox keeps Service Connect logs with the awslogs driver only, not %s.", lc.LogDriver)
		}
		c.LogGroup, c.LogPrefix = lc.Options["awslogs-group"], lc.Options["awslogs-stream-prefix"]
	}
	seen := map[string]bool{}
	for _, s := range in.Services {
		pn := aws.ToString(s.PortName)
		if pn == "" {
			return nil, ecsInvalid("Service Connect services must specify a portName.")
		}
		if portMapping(td, pn) == nil {
			return nil, ecsInvalid("Service Connect portName %s is not a port mapping name of task definition %s:%d.", pn, td.Family, td.Revision)
		}
		sv := scServer{PortName: pn, Discovery: aws.ToString(s.DiscoveryName)}
		if sv.Discovery == "" {
			sv.Discovery = pn
		}
		if seen[sv.Discovery] {
			return nil, ecsInvalid("The discovery name %s is used twice in one Service Connect configuration.", sv.Discovery)
		}
		seen[sv.Discovery] = true
		if other := t.discoveryOwner(ns.ID, sv.Discovery); other != "" && other != svcARN {
			return nil, ecsInvalid("The discovery name %s in namespace %s is already used by service %s.", sv.Discovery, ns.ARN, other)
		}
		for _, a := range s.ClientAliases {
			p := aws.ToInt32(a.Port)
			if p < 1 || p > 65535 {
				return nil, ecsInvalid("A Service Connect client alias needs a port from 1 to 65535.")
			}
			dns := aws.ToString(a.DnsName)
			if dns == "" {
				dns = sv.Discovery + "." + ns.Name
			}
			sv.Aliases = append(sv.Aliases, scAlias{DNS: dns, Port: p})
		}
		c.Servers = append(c.Servers, sv)
	}
	return c, nil
}

// portMapping is the task definition's port mapping of that name.
func portMapping(td *taskDef, name string) *ecstypes.PortMapping {
	for _, c := range td.Containers {
		for i := range c.PortMappings {
			if aws.ToString(c.PortMappings[i].Name) == name {
				return &c.PortMappings[i]
			}
		}
	}
	return nil
}

// discoveryOwner is the ECS service serving under a discovery name of a
// namespace, "" when none.
func (t *tx) discoveryOwner(ns, name string) string {
	for _, s := range t.r.ServiceDiscovery.Services {
		if s.Namespace == ns && s.Name == name {
			return s.ECSService
		}
	}
	return ""
}

// registerConnect makes (or takes over) the Cloud Map service of each
// server of s, and lets go of those it no longer serves.
func (t *tx) registerConnect(s *ecsService) {
	for _, cm := range t.r.ServiceDiscovery.Services {
		if cm.ECSService == s.ARN {
			cm.ECSService = ""
		}
	}
	if s.Connect == nil {
		return
	}
	ns := t.namespaceByRef(s.Connect.Namespace)
	if ns == nil {
		return
	}
	for i := range s.Connect.Servers {
		sv := &s.Connect.Servers[i]
		var cm *sdService
		for _, id := range sortedKeys(t.r.ServiceDiscovery.Services) {
			if x := t.r.ServiceDiscovery.Services[id]; x.Namespace == ns.ID && x.Name == sv.Discovery {
				cm = x
			}
		}
		if cm == nil {
			id := "srv-" + hexID(16)
			cm = &sdService{Meta: Meta{ID: id, ARN: t.sdARN("service", id), Created: t.now, Tags: map[string]string{"AmazonECSManaged": "true"}},
				Name: sv.Discovery, Namespace: ns.ID}
			t.r.ServiceDiscovery.Services[id] = cm
		}
		cm.ECSService, sv.CloudMap = s.ARN, cm.ID
	}
}

// out is the configuration as DescribeServices reports it.
func (c *scConfig) out() *ecstypes.ServiceConnectConfiguration {
	if c == nil {
		return nil
	}
	o := &ecstypes.ServiceConnectConfiguration{Enabled: true, Namespace: aws.String(c.Namespace)}
	if c.LogGroup != "" {
		o.LogConfiguration = &ecstypes.LogConfiguration{LogDriver: ecstypes.LogDriverAwslogs,
			Options: map[string]string{"awslogs-group": c.LogGroup, "awslogs-stream-prefix": c.LogPrefix}}
	}
	for _, sv := range c.Servers {
		s := ecstypes.ServiceConnectService{PortName: aws.String(sv.PortName), DiscoveryName: aws.String(sv.Discovery)}
		for _, a := range sv.Aliases {
			s.ClientAliases = append(s.ClientAliases, ecstypes.ServiceConnectClientAlias{DnsName: aws.String(a.DNS), Port: aws.Int32(a.Port)})
		}
		o.Services = append(o.Services, s)
	}
	return o
}

// portNameRE is what ECS takes as a port mapping's name.
var portNameRE = regexp.MustCompile(`^[a-z0-9_][a-z0-9_-]{0,63}$`)

// checkPortNamesAndHealth checks what RegisterTaskDefinition checks of a
// container's port mapping names (unique in the task definition: Service
// Connect serves a port by it) and of its health check.
func checkPortNamesAndHealth(c ecstypes.ContainerDefinition, seen map[string]bool) error {
	for _, pm := range c.PortMappings {
		n := aws.ToString(pm.Name)
		if pm.Name == nil {
			continue
		}
		if !portNameRE.MatchString(n) {
			return ecsClient("Invalid port mapping name '%s': up to 64 lowercase letters, numbers, underscores and hyphens, not starting with a hyphen.", n)
		}
		if seen[n] {
			return ecsClient("Port mapping names must be unique in a task definition: '%s' is used twice.", n)
		}
		seen[n] = true
	}
	h := c.HealthCheck
	if h == nil {
		return nil
	}
	if len(h.Command) == 0 || (h.Command[0] != "CMD" && h.Command[0] != "CMD-SHELL" && h.Command[0] != "NONE") || (h.Command[0] != "NONE" && len(h.Command) < 2) {
		return ecsClient("Invalid healthCheck of container '%s': the command must be [\"CMD\", program, args…] or [\"CMD-SHELL\", command].", aws.ToString(c.Name))
	}
	for _, r := range []struct {
		v        *int32
		name     string
		min, max int32
	}{{h.Interval, "interval", 5, 300}, {h.Timeout, "timeout", 2, 120}, {h.Retries, "retries", 1, 10}, {h.StartPeriod, "startPeriod", 0, 300}} {
		if r.v != nil && (*r.v < r.min || *r.v > r.max) {
			return ecsClient("Invalid healthCheck of container '%s': %s must be between %d and %d.", aws.ToString(c.Name), r.name, r.min, r.max)
		}
	}
	return nil
}

// Package arch is the book's expert rules as code: Design turns a manifest
// into the smallest set of cloud resources that runs it, each with a reason a
// student can read.
package arch

import (
	"strconv"
	"strings"
)

// Service is one of the 12 services of the book.
type Service string

// The 12 services, in the order the book introduces them.
const (
	VM           Service = "VM"
	VPC          Service = "VPC"
	Crypto       Service = "Crypto"
	Container    Service = "Container"
	Registry     Service = "Registry"
	LoadBalancer Service = "Load Balancer"
	Database     Service = "Database"
	SharedFS     Service = "Shared FS"
	Log          Service = "Log"
	Metric       Service = "Metric"
	KV           Service = "KV"
	Blob         Service = "Blob"
)

// Services lists all 12 services in the book's order.
func Services() []Service {
	return []Service{VM, VPC, Crypto, Container, Registry, LoadBalancer, Database, SharedFS, Log, Metric, KV, Blob}
}

// Slug names the service's chapter: assets/services/<slug>.md.
func (s Service) Slug() string {
	return strings.ToLower(strings.ReplaceAll(string(s), " ", "-"))
}

// Resource is one cloud resource the design asks for.
type Resource struct {
	// ID is the stable logical id, unique in an architecture ("vpc",
	// "subnet/public-a", "service/web"). It becomes the mvi:id tag.
	ID      string  `json:"id"`
	Service Service `json:"service"`
	// Type is the AWS resource type, in CloudFormation's spelling.
	Type string `json:"type"`
	// Props are the resource's desired settings; one struct type per Type.
	Props Props `json:"props"`
	// DependsOn lists logical ids that must exist first.
	DependsOn []string `json:"depends_on"`
	// After lists logical ids this waits for when they change, without
	// referring to them: remaking one of them doesn't remake this, and
	// they needn't outlive it.
	After []string `json:"after,omitempty"`
	// Reason is one sentence saying why this resource exists.
	Reason string `json:"reason"`
	// Chapter is the service chapter that explains it (assets path).
	Chapter string `json:"chapter"`
}

// Architecture is a whole designed app.
type Architecture struct {
	App    string `json:"app"`
	Region string `json:"region"`
	// Resources are in dependency order: every resource comes after all it
	// depends on.
	Resources []Resource `json:"resources"`
	// Placement is the designed spread of containers over VMs: Placement[i]
	// holds the tasks expected on VM i+1. The diagram draws it.
	Placement [][]Task `json:"placement"`
}

// Task is one container of a process, numbered from 1.
type Task struct {
	Process string `json:"process"`
	N       int    `json:"n"`
}

// Label is how the book names a container: "web 1".
func (t Task) Label() string { return t.Process + " " + strconv.Itoa(t.N) }

// Get returns the resource with a logical id.
func (a *Architecture) Get(id string) (Resource, bool) {
	for _, r := range a.Resources {
		if r.ID == id {
			return r, true
		}
	}
	return Resource{}, false
}

// Has reports whether any resource belongs to the service.
func (a *Architecture) Has(s Service) bool {
	for _, r := range a.Resources {
		if r.Service == s {
			return true
		}
	}
	return false
}

// ByService groups the resources by service, in the book's service order;
// services without resources are left out.
func (a *Architecture) ByService() []ServiceGroup {
	var out []ServiceGroup
	for _, s := range Services() {
		g := ServiceGroup{Service: s}
		for _, r := range a.Resources {
			if r.Service == s {
				g.Resources = append(g.Resources, r)
			}
		}
		if len(g.Resources) > 0 {
			out = append(out, g)
		}
	}
	return out
}

// ServiceGroup is a service with its resources.
type ServiceGroup struct {
	Service   Service    `json:"service"`
	Resources []Resource `json:"resources"`
}

// PhysicalName is the deterministic cloud name for a resource whose service
// names things (log groups, roles, buckets ...): mvi-<app>-<id>, with "/"
// turned into "-".
func PhysicalName(app, id string) string {
	return "mvi-" + app + "-" + strings.ReplaceAll(id, "/", "-")
}

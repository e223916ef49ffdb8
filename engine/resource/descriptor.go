package resource

import (
	"sort"
	"strings"

	"github.com/minimalinfra/mvi/engine/arch"
)

// Descriptor is everything the engine and the screens know about one AWS
// type besides how to manage it. It is declared beside the type's handler,
// so adding a type touches one file.
type Descriptor struct {
	Type    string       // arch.TypeX
	Service arch.Service // the book's service it belongs to
	// DeleteRank orders deletes the design can't: lower goes first
	// (dependents before what they use, the key that encrypts it all last).
	DeleteRank int
	// ARNKinds are the "service:resource-type" prefixes of ARNs the Tagging
	// API returns that reveal this type (a key's ARN reveals its alias too).
	// Empty: the Tagging API never shows it, so status always lists it.
	ARNKinds []string
	// HoldsData says deleting or replacing it loses what the app stored
	// (a database, a file system, a table, a bucket): the plan says so and
	// an apply needs the person's explicit yes.
	HoldsData bool
	// FinalSnapshot says a delete can keep a snapshot of what it deletes
	// (a database), named by the Live's AttrFinalSnapshot.
	FinalSnapshot bool
	// LateOutputs says Create returns before the outputs dependents need
	// exist (a database's endpoint): the engine reads it again once Ready.
	LateOutputs bool
	// Console is the resource's page in the AWS console.
	Console func(s Site) string
	// Lookup is the aws CLI command that shows the resource.
	Lookup func(s Site) string
}

// Site is what a look-up link is made from.
type Site struct {
	App, Region string
	ID          string // logical id
	PhysicalID  string
	ARN         string
	Attrs       map[string]string
}

// Name is what a person calls the resource: its name attribute, else the
// last part of its ARN or id.
func (s Site) Name() string {
	if n := s.Attrs["name"]; n != "" {
		return n
	}
	return LastPart(s.PhysicalID)
}

// ARNOr is the ARN, else the physical id.
func (s Site) ARNOr() string {
	if s.ARN != "" {
		return s.ARN
	}
	return s.PhysicalID
}

// LastPart is an ARN's final path element (the name a person knows).
func LastPart(id string) string {
	if i := strings.LastIndexAny(id, "/:"); i >= 0 && strings.HasPrefix(id, "arn:") {
		return id[i+1:]
	}
	return id
}

// Registry is every handled type's handler, by type name.
type Registry map[string]Handler

// Types lists the handled types in a stable order.
func (r Registry) Types() []string {
	out := make([]string, 0, len(r))
	for t := range r {
		out = append(out, t)
	}
	sort.Strings(out)
	return out
}

// Describe is the descriptor of typ; an unknown type gets one that names
// only the type (it deletes first: nothing of ours depends on it).
func (r Registry) Describe(typ string) Descriptor {
	if h, ok := r[typ]; ok {
		return h.Describe()
	}
	return Descriptor{Type: typ}
}

// Untagged lists the types the Tagging API can't reveal.
func (r Registry) Untagged() []string {
	var out []string
	for _, t := range r.Types() {
		if len(r[t].Describe().ARNKinds) == 0 {
			out = append(out, t)
		}
	}
	return out
}

// TypesOfARN names the types an ARN from the Tagging API reveals. It reads
// arn:aws:<service>:<region>:<account>:<type>/<id> (or <type>:<id>; S3's
// and SNS's have no type).
func (r Registry) TypesOfARN(arn string) []string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 {
		return nil
	}
	svc, res := parts[2], parts[5]
	if i := strings.IndexAny(res, "/:"); i >= 0 {
		res = res[:i]
	}
	if svc == "s3" || svc == "sns" {
		res = "" // a bucket's or topic's ARN ends in its name, with no type
	}
	kind := svc + ":" + res
	var out []string
	for _, t := range r.Types() {
		for _, k := range r[t].Describe().ARNKinds {
			if k == kind {
				out = append(out, t)
			}
		}
	}
	return out
}

// See is how a person finds the resource without mvi: its page in the AWS
// console and the aws CLI command that shows it. A type without its own
// links is found by its tags.
func (d Descriptor) See(s Site) (console, cli string) {
	if d.Console != nil && d.Lookup != nil {
		return d.Console(s), d.Lookup(s)
	}
	return "https://" + s.Region + ".console.aws.amazon.com/resource-groups/tag-editor/find-resources?region=" + s.Region,
		"aws resourcegroupstaggingapi get-resources --tag-filters Key=" + TagApp + ",Values=" + s.App +
			" Key=" + TagID + ",Values=" + s.ID + " --region " + s.Region
}

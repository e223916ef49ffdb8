package sandbox

import (
	"crypto/sha256"
	"encoding/hex"
	"regexp"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/minimalinfra/mvi/engine/cloud"
)

// ELBv2, application load balancers: provisioning → active on the clock,
// one requester-managed ENI per subnet (public for internet-facing ones,
// lingering a few seconds after the load balancer is deleted, as AWS's do),
// target groups with health checks, listeners, and targets whose health
// goes initial → healthy after HealthyThresholdCount × interval once the
// load balancer is active and a listener forwards to the group (while a
// data plane serves, health is what its real checks saw instead:
// targetGroup.Observed, health.go); deregistered
// targets drain for deregistration_delay.timeout_seconds. The Create calls
// are idempotent for identical settings, as on AWS; deleting what is already
// gone succeeds, as on AWS.

type elbAPI struct{ s *Sandbox }

var _ cloud.ELB = (*elbAPI)(nil)

type elbState struct {
	LoadBalancers map[string]*loadBalancer `json:"load_balancers"`  // by ARN
	TargetGroups  map[string]*targetGroup  `json:"target_groups"`   // by ARN
	Listeners     map[string]*listener     `json:"listeners"`       // by ARN
	Rules         map[string]*lbRule       `json:"rules,omitempty"` // by ARN (elb_rules.go)
}

type loadBalancer struct {
	Meta
	Name     string    `json:"name"`
	Scheme   string    `json:"scheme"`
	Type     string    `json:"type"`
	IPType   string    `json:"ip_address_type"`
	VPC      string    `json:"vpc"`
	Subnets  []string  `json:"subnets"`
	SGs      []string  `json:"security_groups"`
	DNSName  string    `json:"dns_name"`
	ActiveAt time.Time `json:"active_at"`
}

type targetGroup struct {
	Meta
	Name       string            `json:"name"`
	Protocol   string            `json:"protocol"`
	Version    string            `json:"protocol_version,omitempty"`
	Port       int32             `json:"port"`
	VPC        string            `json:"vpc"`
	TargetType string            `json:"target_type"`
	HCEnabled  bool              `json:"hc_enabled"`
	HCPath     string            `json:"hc_path"`
	HCPort     string            `json:"hc_port"`
	HCProtocol string            `json:"hc_protocol"`
	HCInterval int32             `json:"hc_interval"`
	HCTimeout  int32             `json:"hc_timeout"`
	Healthy    int32             `json:"healthy_threshold"`
	Unhealthy  int32             `json:"unhealthy_threshold"`
	Matcher    string            `json:"matcher"`
	Attributes map[string]string `json:"attributes"`
	Targets    []target          `json:"targets,omitempty"`
	// Observed is what the data plane's health checks saw, by target key
	// (id:port); it rules target health while a data plane serves.
	Observed map[string]targetObs `json:"observed,omitempty"`
}

type target struct {
	ID         string    `json:"id"`
	Port       int32     `json:"port"`
	AZ         string    `json:"az,omitempty"`
	Registered time.Time `json:"registered"`
	DrainUntil time.Time `json:"drain_until,omitempty"`
}

type listener struct {
	Meta
	LB       string                 `json:"load_balancer"`
	Port     int32                  `json:"port"`
	Protocol string                 `json:"protocol"`
	Actions  []elbtypes.Action      `json:"actions"`
	Certs    []elbtypes.Certificate `json:"certificates,omitempty"`
	SSL      string                 `json:"ssl_policy,omitempty"`
}

var elbNameRE = regexp.MustCompile(`^[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,30}[a-zA-Z0-9])?$`)

var albZones = map[string]string{
	"us-east-1": "Z35SXDOTRQ7X7K", "us-east-2": "Z3AADJGX6KTTL2", "us-west-1": "Z368ELLRRE2KJ0", "us-west-2": "Z1H1FL5HABSF5",
	"eu-west-1": "Z32O12XQLNTSW2", "eu-west-2": "ZHURV8PSTC4K8", "eu-central-1": "Z215JYRZR1TBD5", "ap-southeast-1": "Z1LMS91P8CMLE5",
	"ap-southeast-2": "Z1GM3OXH4ZPM65", "ap-northeast-1": "Z14GRHDCWA56QT", "ca-central-1": "ZQSVJUPU6J1EY", "sa-east-1": "Z2P70J7HTTTPLU",
}

func albZone(region string) string {
	if z, ok := albZones[region]; ok {
		return z
	}
	h := sha256.Sum256([]byte(region))
	return "Z" + strings.ToUpper(hex.EncodeToString(h[:]))[:13]
}

var tgDefaults = map[string]string{
	"deregistration_delay.timeout_seconds":                                           "300",
	"stickiness.enabled":                                                             "false",
	"stickiness.type":                                                                "lb_cookie",
	"stickiness.lb_cookie.duration_seconds":                                          "86400",
	"stickiness.app_cookie.cookie_name":                                              "",
	"stickiness.app_cookie.duration_seconds":                                         "86400",
	"slow_start.duration_seconds":                                                    "0",
	"load_balancing.algorithm.type":                                                  "round_robin",
	"load_balancing.algorithm.anomaly_mitigation":                                    "off",
	"load_balancing.cross_zone.enabled":                                              "use_load_balancer_configuration",
	"target_group_health.dns_failover.minimum_healthy_targets.count":                 "1",
	"target_group_health.dns_failover.minimum_healthy_targets.percentage":            "off",
	"target_group_health.unhealthy_state_routing.minimum_healthy_targets.count":      "1",
	"target_group_health.unhealthy_state_routing.minimum_healthy_targets.percentage": "off",
}

func lbNotFound() error {
	return &elbtypes.LoadBalancerNotFoundException{Message: aws.String("One or more load balancers not found")}
}

func tgNotFound() error {
	return &elbtypes.TargetGroupNotFoundException{Message: aws.String("One or more target groups not found")}
}

func (t *tx) lbByARN(a string) (*loadBalancer, error) {
	lb := t.r.ELB.LoadBalancers[a]
	if lb == nil || t.hidden(lb.Created) {
		return nil, lbNotFound()
	}
	return lb, nil
}

func (t *tx) tgByARN(a string) (*targetGroup, error) {
	tg := t.r.ELB.TargetGroups[a]
	if tg == nil || t.hidden(tg.Created) {
		return nil, tgNotFound()
	}
	return tg, nil
}

func elbKV(t elbtypes.Tag) (string, string) { return aws.ToString(t.Key), aws.ToString(t.Value) }
func elbTag(k, v string) elbtypes.Tag       { return elbtypes.Tag{Key: aws.String(k), Value: aws.String(v)} }

func elbTagMap(ts []elbtypes.Tag) (map[string]string, error) {
	return checkedTagMap(ts, elbKV, tagRules{
		dup: func(k string) error {
			return &elbtypes.DuplicateTagKeysException{Message: aws.String("Tag key '" + k + "' specified more than once")}
		},
		reserved: func(k string) error { return validationError("Tag key '%s' uses the reserved aws: prefix", k) },
		tooMany:  &elbtypes.TooManyTagsException{Message: aws.String("The quota for the number of tags that can be assigned to a load balancer has been reached")},
	})
}

func advanceLoadBalancers(t *tx) {
	for _, k := range sortedKeys(t.r.ELB.TargetGroups) {
		tg := t.r.ELB.TargetGroups[k]
		kept := tg.Targets[:0]
		for _, x := range tg.Targets {
			if t.reached(x.DrainUntil) {
				t.touch()
				continue
			}
			kept = append(kept, x)
		}
		tg.Targets = kept
	}
}

package sandbox

import (
	"encoding/json"
	"sort"
	"strings"
	"time"
)

// Lifecycle policies. AWS evaluates a repository's policy some time
// within 24 hours of a push; the sandbox evaluates it at once, after each
// push and when a policy is put, on the sandbox clock, so what expires is
// what AWS would expire, only sooner. Rules apply in rulePriority order
// and an image selected by one rule is never considered by a later one
// (AWS: "an image that matches the tagging requirements of a rule cannot
// be expired by a rule with a lower priority").

type lifecycleRule struct {
	RulePriority int `json:"rulePriority"`
	Selection    struct {
		TagStatus      string   `json:"tagStatus"`
		TagPrefixList  []string `json:"tagPrefixList"`
		CountType      string   `json:"countType"`
		CountUnit      string   `json:"countUnit"`
		CountNumber    int      `json:"countNumber"`
		TagPatternList []string `json:"tagPatternList"`
	} `json:"selection"`
	Action struct {
		Type string `json:"type"`
	} `json:"action"`
}

// selects reports whether a rule's tag selection matches an image.
func (r *lifecycleRule) selects(im *ecrImage) bool {
	switch r.Selection.TagStatus {
	case "untagged":
		return len(im.Tags) == 0
	case "any":
		return true
	case "tagged":
		for _, tg := range im.Tags {
			for _, p := range r.Selection.TagPrefixList {
				if strings.HasPrefix(tg, p) {
					return true
				}
			}
			for _, p := range r.Selection.TagPatternList {
				if wildcardMatch(p, tg) {
					return true
				}
			}
		}
	}
	return false
}

// wildcardMatch matches ECR's tagPatternList patterns ("prod*", "*-rc").
func wildcardMatch(pattern, s string) bool {
	parts := strings.Split(pattern, "*")
	if len(parts) == 1 {
		return pattern == s
	}
	if !strings.HasPrefix(s, parts[0]) {
		return false
	}
	s = s[len(parts[0]):]
	for _, p := range parts[1 : len(parts)-1] {
		i := strings.Index(s, p)
		if i < 0 {
			return false
		}
		s = s[i+len(p):]
	}
	return strings.HasSuffix(s, parts[len(parts)-1])
}

// expireImages applies the repository's lifecycle policy now.
func (t *tx) expireImages(repo *ecrRepo) {
	if repo.Lifecycle == "" || len(repo.Images) == 0 {
		return
	}
	var doc struct {
		Rules []lifecycleRule `json:"rules"`
	}
	if err := json.Unmarshal([]byte(repo.Lifecycle), &doc); err != nil {
		return // PutLifecyclePolicy validated it
	}
	sort.SliceStable(doc.Rules, func(i, j int) bool { return doc.Rules[i].RulePriority < doc.Rules[j].RulePriority })
	claimed := map[string]bool{}
	var expire []string
	for _, rule := range doc.Rules {
		var matched []*ecrImage
		for _, im := range repo.imagesNewestFirst() {
			if !claimed[im.Digest] && rule.selects(im) {
				matched = append(matched, im)
				claimed[im.Digest] = true
			}
		}
		if rule.Action.Type != "expire" {
			continue
		}
		switch rule.Selection.CountType {
		case "imageCountMoreThan":
			for i, im := range matched {
				if i >= rule.Selection.CountNumber {
					expire = append(expire, im.Digest)
				}
			}
		case "sinceImagePushed":
			limit := time.Duration(rule.Selection.CountNumber) * 24 * time.Hour
			for _, im := range matched {
				if t.now.Sub(im.PushedAt) > limit {
					expire = append(expire, im.Digest)
				}
			}
		}
	}
	for _, d := range expire {
		delete(repo.Images, d)
	}
	repo.LifecycleAt = t.now
	if len(expire) > 0 {
		t.touch()
	}
}

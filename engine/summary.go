package engine

import "fmt"

// Summary is the plan in counts, the one sentence every screen prints
// before it asks: "3 to create, 1 to update, 1 to replace, 0 to delete,
// 40 unchanged".
func (p Plan) Summary() string {
	return fmt.Sprintf("%d to create, %d to update, %d to replace, %d to delete, %d unchanged",
		p.Count(Create), p.Count(Update), p.Count(Replace), p.Count(Delete), p.Count(NoOp))
}

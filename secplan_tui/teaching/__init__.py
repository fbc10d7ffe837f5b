"""Teaching exercises: scenarios (fictional organisations), the check of a learner's plan, class reports."""

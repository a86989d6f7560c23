//! The complaint lifecycle as data.
//!
//! States, actions, which transitions exist, who may take them and what they require live in
//! `data/workflow.toml` (embedded; the decisions behind it are in `docs/WORKFLOW.md`). This module
//! loads and validates such a file and answers three questions: may this role take this action
//! from this state (and where does it lead), what may this role do from here, and may this role
//! record this escalation here. Escalations are events: they never change a complaint's state.
//!
//! The workflow knows nothing about users, assignment or other complaints: whether a handler
//! works on *their* case, whether a merge target exists and is not the complaint itself, and
//! four-eyes rules between individual users are the caller's checks.

use crate::model::Role;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use thiserror::Error;

/// The shipped lifecycle, embedded at compile time.
pub const BUILTIN_TOML: &str = include_str!("../data/workflow.toml");

/// The only data-file format version this code reads.
pub const FORMAT_VERSION: u32 = 1;

macro_rules! code_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $code:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// The stable code (data file, JSON, database, URLs).
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }
            /// The value with this exact code.
            pub fn from_code(s: &str) -> Option<Self> {
                match s { $($code => Some($name::$variant),)+ _ => None }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.code())
            }
        }
    };
}

code_enum!(
    /// Where a complaint is in its lifecycle.
    State {
        /// 登记: received and recorded.
        Registered = "registered",
        /// 受理: accepted for handling.
        Accepted = "accepted",
        /// 不予受理: not accepted (with a reason), e.g. filed by someone not entitled to.
        Declined = "declined",
        /// 调查: collecting and analysing information.
        Investigating = "investigating",
        /// 方案: a resolution is proposed and awaits approval.
        ResolutionProposed = "resolution_proposed",
        /// 答复: the decision was communicated to the complainant.
        DecisionSent = "decision_sent",
        /// 回访: following up with the complainant.
        FollowUp = "follow_up",
        /// 结案: closed.
        Closed = "closed",
        /// 撤回: withdrawn by the complainant; handling stopped.
        Withdrawn = "withdrawn",
        /// 合并: merged into another complaint, which continues.
        Merged = "merged",
    }
);

code_enum!(
    /// What a user does to move a complaint from one state to another.
    Action {
        Accept = "accept",
        Decline = "decline",
        StartInvestigation = "start_investigation",
        ProposeResolution = "propose_resolution",
        RejectResolution = "reject_resolution",
        SendDecision = "send_decision",
        StartFollowUp = "start_follow_up",
        Close = "close",
        Withdraw = "withdraw",
        Merge = "merge",
        /// The only action that may leave a terminal state.
        Reopen = "reopen",
    }
);

code_enum!(
    /// An escalation recorded on a complaint (an event; the state does not change).
    EscalationKind {
        /// 核查: internal review by the higher-level office.
        InternalReview = "internal_review",
        /// 调解: mediation.
        Mediation = "mediation",
        /// 仲裁: arbitration.
        Arbitration = "arbitration",
        /// 诉讼: litigation.
        Litigation = "litigation",
        /// 监管投诉: complaint to the regulator (12378).
        Regulator = "regulator",
        /// 信访: petition.
        Petition = "petition",
        /// 舆情: media and public opinion.
        Media = "media",
    }
);

code_enum!(
    /// What a transition needs from the caller besides the role.
    Requirement {
        /// A non-blank reason text.
        Reason = "reason",
        /// The complaint this one is merged into (the survivor).
        Target = "target",
    }
);

code_enum!(
    /// A label language.
    Lang {
        Zh = "zh",
        En = "en",
    }
);

/// Anything that has a label: a state, an action or an escalation kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Term {
    State(State),
    Action(Action),
    Escalation(EscalationKind),
}

impl From<State> for Term {
    fn from(s: State) -> Self {
        Term::State(s)
    }
}

impl From<Action> for Term {
    fn from(a: Action) -> Self {
        Term::Action(a)
    }
}

impl From<EscalationKind> for Term {
    fn from(k: EscalationKind) -> Self {
        Term::Escalation(k)
    }
}

/// Chinese and English labels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Labels {
    pub zh: String,
    pub en: String,
}

impl Labels {
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.zh,
            Lang::En => &self.en,
        }
    }
}

/// A state as declared in the data file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateInfo {
    pub labels: Labels,
    /// Still being handled: in work queues and the open count; deadline clocks may run.
    pub open: bool,
    /// Handling has ended; only `reopen` leaves a terminal state.
    pub terminal: bool,
}

/// One allowed step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transition {
    pub from: State,
    pub action: Action,
    pub to: State,
    /// The roles that may take it, in file order.
    pub roles: Vec<Role>,
    pub requires: Vec<Requirement>,
}

/// Who may record an escalation kind, and on which states.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EscalationRule {
    pub labels: Labels,
    pub roles: Vec<Role>,
    pub states: Vec<State>,
}

/// What the caller supplies with an action. Blank strings count as absent. Values an action
/// does not require are ignored (a reason may always be given as a note).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TransitionInput {
    pub reason: Option<String>,
    /// The surviving complaint of a merge, as the caller identifies complaints. The workflow
    /// only checks that it is present; that it exists and is not the complaint being merged is
    /// the caller's check.
    pub target: Option<String>,
}

impl TransitionInput {
    pub fn with_reason(mut self, reason: impl Into<String>) -> Self {
        self.reason = Some(reason.into());
        self
    }

    pub fn with_target(mut self, target: impl Into<String>) -> Self {
        self.target = Some(target.into());
        self
    }

    /// Whether this input satisfies a requirement.
    pub fn satisfies(&self, requirement: Requirement) -> bool {
        let value = match requirement {
            Requirement::Reason => &self.reason,
            Requirement::Target => &self.target,
        };
        value.as_deref().is_some_and(|s| !s.trim().is_empty())
    }
}

/// Why an action or an escalation was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TransitionError {
    /// The action does not exist from this state, or this role may not take it.
    #[error("cannot {action} from {from} as {}{}; allowed: {}", role.code(), needs(permitted), steps(allowed))]
    NotAllowed {
        from: State,
        action: Action,
        role: Role,
        /// The roles that may take this action from this state; empty when it does not exist here.
        permitted: Vec<Role>,
        /// What this role may do from this state instead.
        allowed: Vec<(Action, State)>,
    },
    /// The step is allowed but the input lacks something it requires.
    #[error("{action} from {from} requires {}", requirement_text(*requirement))]
    MissingRequirement { from: State, action: Action, requirement: Requirement },
    /// This role may not record this escalation on a complaint in this state.
    #[error("cannot record {kind} in state {state} as {}; recordable here: {}", role.code(), kinds(allowed))]
    EscalationNotAllowed {
        kind: EscalationKind,
        state: State,
        role: Role,
        /// What this role may record on a complaint in this state instead.
        allowed: Vec<EscalationKind>,
    },
}

fn needs(permitted: &[Role]) -> String {
    if permitted.is_empty() {
        String::new()
    } else {
        let roles: Vec<&str> = permitted.iter().map(|r| r.code()).collect();
        format!(" (only {} may)", roles.join(", "))
    }
}

fn steps(allowed: &[(Action, State)]) -> String {
    if allowed.is_empty() {
        return "nothing".to_string();
    }
    allowed.iter().map(|(a, s)| format!("{a} → {s}")).collect::<Vec<_>>().join(", ")
}

fn kinds(allowed: &[EscalationKind]) -> String {
    if allowed.is_empty() {
        return "nothing".to_string();
    }
    allowed.iter().map(|k| k.code()).collect::<Vec<_>>().join(", ")
}

fn requirement_text(r: Requirement) -> &'static str {
    match r {
        Requirement::Reason => "a reason",
        Requirement::Target => "a target complaint (the one it is merged into)",
    }
}

/// Why a workflow file was rejected. `at` says where in the file.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum WorkflowError {
    #[error("workflow file is not valid: {0}")]
    Syntax(String),
    #[error("workflow file version {found} is not supported (expected {expected})")]
    UnsupportedVersion { found: u32, expected: u32 },
    #[error("unknown state {value:?} at {at}")]
    UnknownState { value: String, at: String },
    #[error("unknown action {value:?} at {at}")]
    UnknownAction { value: String, at: String },
    #[error("unknown escalation kind {value:?} at {at}")]
    UnknownEscalation { value: String, at: String },
    #[error("unknown role {value:?} at {at} (roles: handler, supervisor, analyst, admin)")]
    UnknownRole { value: String, at: String },
    #[error("unknown requirement {value:?} at {at} (requirements: reason, target)")]
    UnknownRequirement { value: String, at: String },
    #[error("{what} {code:?} is not declared")]
    Undeclared { what: &'static str, code: &'static str },
    #[error("empty {lang} label at {at}")]
    EmptyLabel { lang: &'static str, at: String },
    #[error("state {0} is both terminal and open")]
    OpenTerminal(State),
    #[error("initial state {0} is terminal")]
    TerminalInitial(State),
    #[error("duplicate transition: {action} from {from} is defined twice")]
    DuplicateTransition { from: State, action: Action },
    #[error("transition {action} from {from} leads back to {from}; record an event instead")]
    SelfLoop { from: State, action: Action },
    #[error("transition {action} from {from} has no roles")]
    NoRoles { from: State, action: Action },
    #[error("terminal state {from} has an outgoing transition {action}; only reopen may leave a terminal state")]
    TerminalExit { from: State, action: Action },
    #[error("reopen from {from} leads to terminal state {to}")]
    ReopenToTerminal { from: State, to: State },
    #[error("state {0} cannot be reached from the initial state")]
    Unreachable(State),
    #[error("state {0} is not terminal but no terminal state can be reached from it")]
    DeadEnd(State),
    #[error("escalation {0} has no roles or no states")]
    EmptyEscalation(EscalationKind),
}

/// A validated lifecycle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Workflow {
    initial: State,
    states: BTreeMap<State, StateInfo>,
    actions: BTreeMap<Action, Labels>,
    transitions: BTreeMap<(State, Action), Transition>,
    escalations: BTreeMap<EscalationKind, EscalationRule>,
}

// The file as written, before validation.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    version: u32,
    initial: String,
    states: BTreeMap<String, RawState>,
    actions: BTreeMap<String, RawLabels>,
    #[serde(rename = "transition", default)]
    transitions: Vec<RawTransition>,
    #[serde(default)]
    escalations: BTreeMap<String, RawEscalation>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawState {
    zh: String,
    en: String,
    open: bool,
    terminal: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLabels {
    zh: String,
    en: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTransition {
    from: String,
    action: String,
    to: String,
    roles: Vec<String>,
    #[serde(default)]
    requires: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEscalation {
    zh: String,
    en: String,
    roles: Vec<String>,
    states: Vec<String>,
}

fn labels(zh: String, en: String, at: &str) -> Result<Labels, WorkflowError> {
    if zh.trim().is_empty() {
        return Err(WorkflowError::EmptyLabel { lang: "zh", at: at.to_string() });
    }
    if en.trim().is_empty() {
        return Err(WorkflowError::EmptyLabel { lang: "en", at: at.to_string() });
    }
    Ok(Labels { zh, en })
}

fn state(value: &str, at: &str) -> Result<State, WorkflowError> {
    State::from_code(value).ok_or_else(|| WorkflowError::UnknownState { value: value.to_string(), at: at.to_string() })
}

/// Roles by exact code (the synonyms `Role::parse` accepts are for source sheets, not for this file).
fn roles(values: &[String], at: &str) -> Result<Vec<Role>, WorkflowError> {
    let mut out = Vec::new();
    for v in values {
        let role = Role::ALL
            .iter()
            .copied()
            .find(|r| r.code() == v)
            .ok_or_else(|| WorkflowError::UnknownRole { value: v.clone(), at: at.to_string() })?;
        if !out.contains(&role) {
            out.push(role);
        }
    }
    Ok(out)
}

impl Workflow {
    /// Load and validate a workflow file.
    pub fn from_toml(src: &str) -> Result<Workflow, WorkflowError> {
        let raw: RawFile = toml::from_str(src).map_err(|e| WorkflowError::Syntax(e.to_string()))?;
        if raw.version != FORMAT_VERSION {
            return Err(WorkflowError::UnsupportedVersion { found: raw.version, expected: FORMAT_VERSION });
        }

        let mut states = BTreeMap::new();
        for (code, s) in raw.states {
            let at = format!("[states.{code}]");
            let st = state(&code, &at)?;
            if s.terminal && s.open {
                return Err(WorkflowError::OpenTerminal(st));
            }
            states.insert(st, StateInfo { labels: labels(s.zh, s.en, &at)?, open: s.open, terminal: s.terminal });
        }
        if let Some(s) = State::ALL.iter().find(|s| !states.contains_key(s)) {
            return Err(WorkflowError::Undeclared { what: "state", code: s.code() });
        }

        let mut actions = BTreeMap::new();
        for (code, a) in raw.actions {
            let at = format!("[actions.{code}]");
            let action = Action::from_code(&code)
                .ok_or_else(|| WorkflowError::UnknownAction { value: code.clone(), at: at.clone() })?;
            actions.insert(action, labels(a.zh, a.en, &at)?);
        }
        if let Some(a) = Action::ALL.iter().find(|a| !actions.contains_key(a)) {
            return Err(WorkflowError::Undeclared { what: "action", code: a.code() });
        }

        let mut escalations = BTreeMap::new();
        for (code, e) in raw.escalations {
            let at = format!("[escalations.{code}]");
            let kind = EscalationKind::from_code(&code)
                .ok_or_else(|| WorkflowError::UnknownEscalation { value: code.clone(), at: at.clone() })?;
            let rule_roles = roles(&e.roles, &format!("{at} roles"))?;
            let mut rule_states = Vec::new();
            for s in &e.states {
                let st = state(s, &format!("{at} states"))?;
                if !rule_states.contains(&st) {
                    rule_states.push(st);
                }
            }
            if rule_roles.is_empty() || rule_states.is_empty() {
                return Err(WorkflowError::EmptyEscalation(kind));
            }
            escalations.insert(
                kind,
                EscalationRule { labels: labels(e.zh, e.en, &at)?, roles: rule_roles, states: rule_states },
            );
        }
        if let Some(k) = EscalationKind::ALL.iter().find(|k| !escalations.contains_key(k)) {
            return Err(WorkflowError::Undeclared { what: "escalation kind", code: k.code() });
        }

        let initial = state(&raw.initial, "initial")?;
        if states.get(&initial).is_some_and(|i| i.terminal) {
            return Err(WorkflowError::TerminalInitial(initial));
        }
        let is_terminal = |s: State| states.get(&s).is_some_and(|i| i.terminal);

        let mut transitions = BTreeMap::new();
        for (i, t) in raw.transitions.iter().enumerate() {
            let at = format!("transition #{}", i + 1);
            let from = state(&t.from, &format!("{at} from"))?;
            let to = state(&t.to, &format!("{at} to"))?;
            let action = Action::from_code(&t.action)
                .ok_or_else(|| WorkflowError::UnknownAction { value: t.action.clone(), at: format!("{at} action") })?;
            let t_roles = roles(&t.roles, &format!("{at} roles"))?;
            let mut requires = Vec::new();
            for r in &t.requires {
                let req = Requirement::from_code(r).ok_or_else(|| WorkflowError::UnknownRequirement {
                    value: r.clone(),
                    at: format!("{at} requires"),
                })?;
                if !requires.contains(&req) {
                    requires.push(req);
                }
            }
            if t_roles.is_empty() {
                return Err(WorkflowError::NoRoles { from, action });
            }
            if from == to {
                return Err(WorkflowError::SelfLoop { from, action });
            }
            if is_terminal(from) && action != Action::Reopen {
                return Err(WorkflowError::TerminalExit { from, action });
            }
            if action == Action::Reopen && is_terminal(to) {
                return Err(WorkflowError::ReopenToTerminal { from, to });
            }
            let step = Transition { from, action, to, roles: t_roles, requires };
            if transitions.insert((from, action), step).is_some() {
                return Err(WorkflowError::DuplicateTransition { from, action });
            }
        }

        let wf = Workflow { initial, states, actions, transitions, escalations };
        let reachable = wf.reachable_from(initial);
        if let Some(s) = State::ALL.iter().find(|s| !reachable.contains(s)) {
            return Err(WorkflowError::Unreachable(*s));
        }
        for &s in State::ALL {
            if !wf.is_terminal(s) && !wf.reachable_from(s).iter().any(|r| wf.is_terminal(*r)) {
                return Err(WorkflowError::DeadEnd(s));
            }
        }
        Ok(wf)
    }

    /// The lifecycle shipped with tousu (`data/workflow.toml`).
    ///
    /// # Panics
    /// Never for the shipped file: a test loads it. An edit that breaks it fails that test.
    pub fn builtin() -> Workflow {
        match Workflow::from_toml(BUILTIN_TOML) {
            Ok(w) => w,
            Err(e) => panic!("the built-in data/workflow.toml is invalid: {e}"),
        }
    }

    /// Take `action` from `from` as `role`; the new state, or why not.
    ///
    /// Checks that the step exists and the role may take it, then the requirements (so a role
    /// that may not act learns nothing about what the step would need).
    pub fn apply(
        &self,
        from: State,
        action: Action,
        role: Role,
        ctx: &TransitionInput,
    ) -> Result<State, TransitionError> {
        let step = self.transitions.get(&(from, action));
        match step {
            Some(t) if t.roles.contains(&role) => {
                if let Some(&requirement) = t.requires.iter().find(|r| !ctx.satisfies(**r)) {
                    return Err(TransitionError::MissingRequirement { from, action, requirement });
                }
                Ok(t.to)
            }
            _ => Err(TransitionError::NotAllowed {
                from,
                action,
                role,
                permitted: step.map(|t| t.roles.clone()).unwrap_or_default(),
                allowed: self.allowed(from, role),
            }),
        }
    }

    /// What `role` may do from `from`, in [`Action`] order, with where each step leads.
    pub fn allowed(&self, from: State, role: Role) -> Vec<(Action, State)> {
        self.transitions
            .values()
            .filter(|t| t.from == from && t.roles.contains(&role))
            .map(|t| (t.action, t.to))
            .collect()
    }

    /// The step `action` from `from`, whoever may take it.
    pub fn transition(&self, from: State, action: Action) -> Option<&Transition> {
        self.transitions.get(&(from, action))
    }

    /// Every step, ordered by (from, action).
    pub fn transitions(&self) -> impl Iterator<Item = &Transition> {
        self.transitions.values()
    }

    /// Where every complaint starts.
    pub fn initial(&self) -> State {
        self.initial
    }

    /// Still being handled: in work queues and the open count; deadline clocks may run.
    pub fn is_open(&self, state: State) -> bool {
        self.states.get(&state).is_some_and(|s| s.open)
    }

    /// Handling has ended; only `reopen` leaves this state.
    pub fn is_terminal(&self, state: State) -> bool {
        self.states.get(&state).is_some_and(|s| s.terminal)
    }

    /// The label of a state, action or escalation kind.
    pub fn label(&self, term: impl Into<Term>, lang: Lang) -> &str {
        let term = term.into();
        let found = match term {
            Term::State(s) => self.states.get(&s).map(|i| &i.labels),
            Term::Action(a) => self.actions.get(&a),
            Term::Escalation(k) => self.escalations.get(&k).map(|r| &r.labels),
        };
        // Validation guarantees every label; the code is a fallback that cannot occur.
        match (found, term) {
            (Some(l), _) => l.get(lang),
            (None, Term::State(s)) => s.code(),
            (None, Term::Action(a)) => a.code(),
            (None, Term::Escalation(k)) => k.code(),
        }
    }

    /// Who may record `kind`, and on which states.
    pub fn escalation(&self, kind: EscalationKind) -> Option<&EscalationRule> {
        self.escalations.get(&kind)
    }

    /// The escalations `role` may record on a complaint in `state`, in [`EscalationKind`] order.
    pub fn escalations_allowed(&self, state: State, role: Role) -> Vec<EscalationKind> {
        self.escalations
            .iter()
            .filter(|(_, r)| r.states.contains(&state) && r.roles.contains(&role))
            .map(|(k, _)| *k)
            .collect()
    }

    /// Whether `role` may record `kind` on a complaint in `state`. Recording never changes the state.
    pub fn check_escalation(&self, kind: EscalationKind, state: State, role: Role) -> Result<(), TransitionError> {
        let ok = self.escalations.get(&kind).is_some_and(|r| r.states.contains(&state) && r.roles.contains(&role));
        if ok {
            Ok(())
        } else {
            Err(TransitionError::EscalationNotAllowed {
                kind,
                state,
                role,
                allowed: self.escalations_allowed(state, role),
            })
        }
    }

    /// The states reachable from `start` (itself included) by any role.
    fn reachable_from(&self, start: State) -> BTreeSet<State> {
        let mut seen = BTreeSet::from([start]);
        let mut todo = vec![start];
        while let Some(s) = todo.pop() {
            for t in self.transitions.values().filter(|t| t.from == s) {
                if seen.insert(t.to) {
                    todo.push(t.to);
                }
            }
        }
        seen
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    /// (from, action) → (to, roles, requires), read from the TOML with `toml::Value` only.
    type Expected = BTreeMap<(String, String), (String, Vec<String>, Vec<String>)>;

    fn strings(v: &toml::Value) -> Vec<String> {
        v.as_array().unwrap().iter().map(|x| x.as_str().unwrap().to_string()).collect()
    }

    fn expected_from_toml(src: &str) -> (toml::Table, Expected) {
        let doc: toml::Table = src.parse().unwrap();
        let mut out = Expected::new();
        for t in doc["transition"].as_array().unwrap() {
            let get = |k: &str| t[k].as_str().unwrap().to_string();
            let requires = t.get("requires").map(strings).unwrap_or_default();
            let prev = out.insert((get("from"), get("action")), (get("to"), strings(&t["roles"]), requires));
            assert!(prev.is_none());
        }
        (doc, out)
    }

    fn full_input() -> TransitionInput {
        TransitionInput::default().with_reason("complainant asked").with_target("C-42")
    }

    #[test]
    fn builtin_parses() {
        let wf = Workflow::builtin();
        assert_eq!(wf.initial(), State::Registered);
        assert_eq!(Workflow::from_toml(BUILTIN_TOML), Ok(wf));
    }

    #[test]
    fn codes_match_serde_and_round_trip() {
        for s in State::ALL {
            assert_eq!(serde_json::to_value(s).unwrap(), s.code());
            assert_eq!(State::from_code(s.code()), Some(*s));
        }
        for a in Action::ALL {
            assert_eq!(serde_json::to_value(a).unwrap(), a.code());
            assert_eq!(Action::from_code(a.code()), Some(*a));
        }
        for k in EscalationKind::ALL {
            assert_eq!(serde_json::to_value(k).unwrap(), k.code());
            assert_eq!(EscalationKind::from_code(k.code()), Some(*k));
        }
        assert_eq!(State::from_code("Closed"), None);
    }

    /// Every (state, action, role) triple: `apply` agrees with the data file read independently.
    #[test]
    fn transition_matrix_matches_data_file() {
        let wf = Workflow::builtin();
        let (_, expected) = expected_from_toml(BUILTIN_TOML);
        let mut allowed_steps = 0;
        for &from in State::ALL {
            for &role in Role::ALL {
                let mut expect_allowed: Vec<(Action, State)> = Vec::new();
                for &action in Action::ALL {
                    let key = (from.code().to_string(), action.code().to_string());
                    let got = wf.apply(from, action, role, &full_input());
                    let got_bare = wf.apply(from, action, role, &TransitionInput::default());
                    match expected.get(&key) {
                        Some((to, roles, requires)) if roles.iter().any(|r| r == role.code()) => {
                            allowed_steps += 1;
                            let to = State::from_code(to).unwrap();
                            expect_allowed.push((action, to));
                            assert_eq!(got, Ok(to), "{from} {action} {role:?}");
                            match requires.first() {
                                None => assert_eq!(got_bare, Ok(to), "{from} {action} {role:?}"),
                                Some(r) => assert_eq!(
                                    got_bare,
                                    Err(TransitionError::MissingRequirement {
                                        from,
                                        action,
                                        requirement: Requirement::from_code(r).unwrap()
                                    }),
                                    "{from} {action} {role:?}"
                                ),
                            }
                        }
                        other => {
                            let permitted: Vec<&str> = other
                                .map(|(_, roles, _)| roles.iter().map(|r| r.as_str()).collect())
                                .unwrap_or_default();
                            for g in [got, got_bare] {
                                match g {
                                    Err(TransitionError::NotAllowed {
                                        from: f,
                                        action: a,
                                        role: r,
                                        permitted: p,
                                        ..
                                    }) => {
                                        assert_eq!((f, a, r), (from, action, role));
                                        assert_eq!(p.iter().map(|r| r.code()).collect::<Vec<_>>(), permitted);
                                    }
                                    g => panic!("{from} {action} {role:?}: expected NotAllowed, got {g:?}"),
                                }
                            }
                        }
                    }
                }
                // The structured list in the error and `allowed` agree with the data file.
                assert_eq!(wf.allowed(from, role), expect_allowed, "{from} {role:?}");
                for &action in Action::ALL {
                    if let Err(TransitionError::NotAllowed { allowed, .. }) =
                        wf.apply(from, action, role, &full_input())
                    {
                        assert_eq!(allowed, expect_allowed);
                    }
                }
            }
        }
        let in_file: usize = expected.values().map(|(_, roles, _)| roles.len()).sum();
        assert_eq!(allowed_steps, in_file, "every (transition, role) of the file was exercised");
    }

    #[test]
    fn open_terminal_and_labels_match_data_file() {
        let wf = Workflow::builtin();
        let (doc, _) = expected_from_toml(BUILTIN_TOML);
        for &s in State::ALL {
            let t = &doc["states"][s.code()];
            assert_eq!(wf.is_open(s), t["open"].as_bool().unwrap(), "{s}");
            assert_eq!(wf.is_terminal(s), t["terminal"].as_bool().unwrap(), "{s}");
            assert_eq!(wf.label(s, Lang::Zh), t["zh"].as_str().unwrap());
            assert_eq!(wf.label(s, Lang::En), t["en"].as_str().unwrap());
        }
        for &a in Action::ALL {
            assert_eq!(wf.label(a, Lang::Zh), doc["actions"][a.code()]["zh"].as_str().unwrap());
        }
        assert_eq!(wf.label(State::Declined, Lang::Zh), "不予受理");
        assert_eq!(wf.label(Action::SendDecision, Lang::En), "Send decision");
        assert_eq!(wf.label(EscalationKind::InternalReview, Lang::Zh), "核查");
    }

    #[test]
    fn escalations_match_data_file_and_never_change_state() {
        let wf = Workflow::builtin();
        let (doc, _) = expected_from_toml(BUILTIN_TOML);
        for &k in EscalationKind::ALL {
            let e = &doc["escalations"][k.code()];
            let roles = strings(&e["roles"]);
            let states = strings(&e["states"]);
            assert_eq!(wf.label(k, Lang::En), e["en"].as_str().unwrap());
            for &s in State::ALL {
                for &r in Role::ALL {
                    let expect = roles.iter().any(|x| x == r.code()) && states.iter().any(|x| x == s.code());
                    assert_eq!(wf.check_escalation(k, s, r).is_ok(), expect, "{k} {s} {r:?}");
                    assert_eq!(wf.escalations_allowed(s, r).contains(&k), expect);
                }
            }
        }
        let err = wf.check_escalation(EscalationKind::InternalReview, State::Investigating, Role::Handler).unwrap_err();
        assert_eq!(
            err.to_string(),
            "cannot record internal_review in state investigating as handler; \
             recordable here: mediation, arbitration, litigation, regulator, petition, media"
        );
        assert!(wf.escalations_allowed(State::Merged, Role::Admin).is_empty());
    }

    #[test]
    fn role_policy() {
        let wf = Workflow::builtin();
        for &s in State::ALL {
            assert!(wf.allowed(s, Role::Analyst).is_empty(), "analysts are read-only");
            assert!(wf.escalations_allowed(s, Role::Analyst).is_empty(), "analysts are read-only");
        }
        for t in wf.transitions() {
            assert!(t.roles.contains(&Role::Admin), "admin may do everything: {} {}", t.from, t.action);
            assert!(t.roles.contains(&Role::Supervisor), "supervisors may do everything handlers may");
        }
        for (from, action) in [
            (State::Registered, Action::Decline),
            (State::Investigating, Action::Merge),
            (State::ResolutionProposed, Action::SendDecision),
            (State::Closed, Action::Reopen),
        ] {
            assert!(!wf.transition(from, action).unwrap().roles.contains(&Role::Handler), "{from} {action}");
        }
    }

    /// Every non-terminal state can reach `closed`, also without the admin.
    #[test]
    fn every_open_state_can_reach_closed() {
        let wf = Workflow::builtin();
        for roles in [&[Role::Handler, Role::Supervisor, Role::Admin][..], &[Role::Handler, Role::Supervisor]] {
            for &start in State::ALL.iter().filter(|s| !wf.is_terminal(**s)) {
                let mut seen = vec![start];
                let mut todo = vec![start];
                while let Some(s) = todo.pop() {
                    for r in roles {
                        for (_, to) in wf.allowed(s, *r) {
                            if !seen.contains(&to) {
                                seen.push(to);
                                todo.push(to);
                            }
                        }
                    }
                }
                assert!(seen.contains(&State::Closed), "{start} cannot reach closed with {roles:?}");
            }
        }
    }

    #[test]
    fn happy_path_and_reopen() {
        let wf = Workflow::builtin();
        let none = TransitionInput::default();
        let h = Role::Handler;
        let s = wf.apply(State::Registered, Action::Accept, h, &none).unwrap();
        let s = wf.apply(s, Action::StartInvestigation, h, &none).unwrap();
        let s = wf.apply(s, Action::ProposeResolution, h, &none).unwrap();
        let s = wf.apply(s, Action::SendDecision, Role::Supervisor, &none).unwrap();
        let s = wf.apply(s, Action::StartFollowUp, h, &none).unwrap();
        let s = wf.apply(s, Action::Close, h, &none).unwrap();
        assert_eq!(s, State::Closed);
        assert!(!wf.is_open(s));
        let reopened = wf.apply(s, Action::Reopen, Role::Supervisor, &none.clone().with_reason("核查 requested"));
        assert_eq!(reopened, Ok(State::Investigating));
        assert!(wf.is_open(State::Investigating));
    }

    #[test]
    fn requirement_failures() {
        let wf = Workflow::builtin();
        let sup = Role::Supervisor;
        let missing =
            |from, action, requirement| Err(TransitionError::MissingRequirement { from, action, requirement });
        let none = TransitionInput::default();
        assert_eq!(
            wf.apply(State::Registered, Action::Decline, sup, &none),
            missing(State::Registered, Action::Decline, Requirement::Reason)
        );
        // A blank reason is no reason.
        assert_eq!(
            wf.apply(State::Registered, Action::Decline, sup, &none.clone().with_reason("  \t")),
            missing(State::Registered, Action::Decline, Requirement::Reason)
        );
        assert_eq!(
            wf.apply(State::Registered, Action::Decline, sup, &none.clone().with_reason("not an authorised agent")),
            Ok(State::Declined)
        );
        // A reason does not stand in for the target.
        assert_eq!(
            wf.apply(State::Investigating, Action::Merge, sup, &none.clone().with_reason("repeat")),
            missing(State::Investigating, Action::Merge, Requirement::Target)
        );
        assert_eq!(
            wf.apply(State::Investigating, Action::Merge, sup, &none.clone().with_target("C-7")),
            Ok(State::Merged)
        );
        // Merging a complaint into itself is the caller's check: the workflow does not know
        // which complaint it is applied to, so it accepts any non-blank target.
        assert_eq!(
            wf.apply(State::Registered, Action::Merge, sup, &none.clone().with_target("self")),
            Ok(State::Merged)
        );
        // Role is checked before requirements.
        assert!(matches!(
            wf.apply(State::Registered, Action::Decline, Role::Handler, &none),
            Err(TransitionError::NotAllowed { .. })
        ));
        assert_eq!(
            wf.apply(State::Registered, Action::Decline, sup, &none).unwrap_err().to_string(),
            "decline from registered requires a reason"
        );
        assert_eq!(
            wf.apply(State::Accepted, Action::Merge, sup, &none).unwrap_err().to_string(),
            "merge from accepted requires a target complaint (the one it is merged into)"
        );
    }

    #[test]
    fn error_messages_say_what_is_allowed() {
        let wf = Workflow::builtin();
        let none = TransitionInput::default();
        let err = wf.apply(State::Investigating, Action::SendDecision, Role::Handler, &none).unwrap_err();
        assert_eq!(
            err.to_string(),
            "cannot send_decision from investigating as handler; \
             allowed: propose_resolution → resolution_proposed, withdraw → withdrawn"
        );
        match err {
            TransitionError::NotAllowed { permitted, allowed, .. } => {
                assert!(permitted.is_empty());
                assert_eq!(
                    allowed,
                    vec![(Action::ProposeResolution, State::ResolutionProposed), (Action::Withdraw, State::Withdrawn)]
                );
            }
            other => panic!("{other:?}"),
        }
        let err = wf.apply(State::ResolutionProposed, Action::SendDecision, Role::Handler, &none).unwrap_err();
        assert_eq!(
            err.to_string(),
            "cannot send_decision from resolution_proposed as handler (only supervisor, admin may); \
             allowed: withdraw → withdrawn"
        );
        let err = wf.apply(State::Registered, Action::Accept, Role::Analyst, &none).unwrap_err();
        assert_eq!(
            err.to_string(),
            "cannot accept from registered as analyst (only handler, supervisor, admin may); allowed: nothing"
        );
        let err = wf.apply(State::Withdrawn, Action::Reopen, Role::Admin, &none).unwrap_err();
        assert_eq!(err.to_string(), "cannot reopen from withdrawn as admin; allowed: nothing");
    }

    fn replace_once(src: &str, from: &str, to: &str) -> String {
        assert_eq!(src.matches(from).count(), 1, "{from:?} must occur once");
        src.replacen(from, to, 1)
    }

    fn append(extra: &str) -> String {
        format!("{BUILTIN_TOML}\n{extra}")
    }

    #[test]
    fn bad_files_are_rejected() {
        let load = Workflow::from_toml;
        // Unknown state in a transition.
        let src = replace_once(BUILTIN_TOML, "to = \"resolution_proposed\"", "to = \"proposed\"");
        assert_eq!(
            load(&src),
            Err(WorkflowError::UnknownState { value: "proposed".into(), at: "transition #4 to".into() })
        );
        // Unknown state declared.
        let src = append("[states.on_hold]\nzh = \"挂起\"\nen = \"On hold\"\nopen = true\nterminal = false\n");
        assert!(matches!(load(&src), Err(WorkflowError::UnknownState { value, .. }) if value == "on_hold"));
        // Unknown action and role.
        let src = replace_once(BUILTIN_TOML, "action = \"start_investigation\"", "action = \"investigate\"");
        assert!(matches!(load(&src), Err(WorkflowError::UnknownAction { value, .. }) if value == "investigate"));
        let src = append(
            "[[transition]]\nfrom = \"accepted\"\naction = \"decline\"\nto = \"declined\"\nroles = [\"boss\"]\n",
        );
        assert!(matches!(load(&src), Err(WorkflowError::UnknownRole { value, .. }) if value == "boss"));
        // Role synonyms are for source sheets, not for this file.
        let src = replace_once(
            BUILTIN_TOML,
            "roles = [\"supervisor\", \"admin\"]\nrequires = [\"reason\"]\n\n# 受理",
            "roles = [\"主管\"]\nrequires = [\"reason\"]\n\n# 受理",
        );
        assert!(matches!(load(&src), Err(WorkflowError::UnknownRole { value, .. }) if value == "主管"));
        // Unknown requirement.
        let src = append(
            "[[transition]]\nfrom = \"accepted\"\naction = \"decline\"\nto = \"declined\"\nroles = [\"admin\"]\nrequires = [\"approval\"]\n",
        );
        assert!(matches!(load(&src), Err(WorkflowError::UnknownRequirement { value, .. }) if value == "approval"));
        // Duplicate (from, action).
        let src = append(
            "[[transition]]\nfrom = \"registered\"\naction = \"accept\"\nto = \"investigating\"\nroles = [\"admin\"]\n",
        );
        assert_eq!(
            load(&src),
            Err(WorkflowError::DuplicateTransition { from: State::Registered, action: Action::Accept })
        );
        // Unreachable: send the decision straight to closed, so nothing reaches follow_up.
        let src = replace_once(
            BUILTIN_TOML,
            "action = \"start_follow_up\"\nto = \"follow_up\"",
            "action = \"start_follow_up\"\nto = \"closed\"",
        );
        assert_eq!(load(&src), Err(WorkflowError::Unreachable(State::FollowUp)));
        // Terminal states are left only by reopen.
        let src = append(
            "[[transition]]\nfrom = \"withdrawn\"\naction = \"accept\"\nto = \"accepted\"\nroles = [\"admin\"]\n",
        );
        assert_eq!(load(&src), Err(WorkflowError::TerminalExit { from: State::Withdrawn, action: Action::Accept }));
        let src = append(
            "[[transition]]\nfrom = \"closed\"\naction = \"reopen\"\nto = \"investigating\"\nroles = [\"admin\"]\n",
        );
        assert_eq!(load(&src), Err(WorkflowError::DuplicateTransition { from: State::Closed, action: Action::Reopen }));
        // Undeclared state and missing label.
        let src = replace_once(
            BUILTIN_TOML,
            "[states.merged]\nzh = \"合并\"\nen = \"Merged\"\nopen = false\nterminal = true\n",
            "",
        );
        assert_eq!(load(&src), Err(WorkflowError::Undeclared { what: "state", code: "merged" }));
        let src = replace_once(BUILTIN_TOML, "en = \"Withdraw\"", "en = \" \"");
        assert_eq!(load(&src), Err(WorkflowError::EmptyLabel { lang: "en", at: "[actions.withdraw]".into() }));
        // Typos in field names, syntax errors and versions.
        let src = replace_once(
            BUILTIN_TOML,
            "requires = [\"target\"]\n\n[[transition]]\nfrom = \"accepted\"",
            "require = [\"target\"]\n\n[[transition]]\nfrom = \"accepted\"",
        );
        assert!(matches!(load(&src), Err(WorkflowError::Syntax(m)) if m.contains("require")));
        assert!(matches!(load("version = "), Err(WorkflowError::Syntax(_))));
        let src = replace_once(BUILTIN_TOML, "version = 1", "version = 2");
        assert_eq!(load(&src), Err(WorkflowError::UnsupportedVersion { found: 2, expected: 1 }));
    }

    #[test]
    fn structural_rules() {
        let load = Workflow::from_toml;
        // A dead end: follow_up can no longer be left.
        let src = replace_once(
            BUILTIN_TOML,
            "[[transition]]\nfrom = \"follow_up\"\naction = \"close\"\nto = \"closed\"\nroles = [\"handler\", \"supervisor\", \"admin\"]\nrequires = []\n",
            "",
        );
        let src = replace_once(
            &src,
            "from = \"follow_up\"\naction = \"reopen\"",
            "from = \"decision_sent\"\naction = \"reject_resolution\"",
        );
        let src = replace_once(
            &src,
            "from = \"follow_up\"\naction = \"withdraw\"",
            "from = \"decision_sent\"\naction = \"merge\"",
        );
        assert_eq!(load(&src), Err(WorkflowError::DeadEnd(State::FollowUp)));
        // Self loop, open terminal, terminal initial, reopen into a terminal state.
        let src = append(
            "[[transition]]\nfrom = \"accepted\"\naction = \"accept\"\nto = \"accepted\"\nroles = [\"admin\"]\n",
        );
        assert_eq!(load(&src), Err(WorkflowError::SelfLoop { from: State::Accepted, action: Action::Accept }));
        let src = replace_once(BUILTIN_TOML, "en = \"Merged\"\nopen = false", "en = \"Merged\"\nopen = true");
        assert_eq!(load(&src), Err(WorkflowError::OpenTerminal(State::Merged)));
        let src = replace_once(BUILTIN_TOML, "initial = \"registered\"", "initial = \"closed\"");
        assert_eq!(load(&src), Err(WorkflowError::TerminalInitial(State::Closed)));
        let src =
            append("[[transition]]\nfrom = \"withdrawn\"\naction = \"reopen\"\nto = \"closed\"\nroles = [\"admin\"]\n");
        assert_eq!(load(&src), Err(WorkflowError::ReopenToTerminal { from: State::Withdrawn, to: State::Closed }));
        let src = append("[[transition]]\nfrom = \"accepted\"\naction = \"decline\"\nto = \"declined\"\nroles = []\n");
        assert_eq!(load(&src), Err(WorkflowError::NoRoles { from: State::Accepted, action: Action::Decline }));
    }
}

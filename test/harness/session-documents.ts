/** The contract's expert-session documents, exactly as clients send them (shared/contract/operations.graphql). */
export const SCHEDULE = `mutation ScheduleSession($input: ScheduleSessionInput!) {
  scheduleSession(input: $input) {
    id
    title
    startsAt
    endsAt
    state
    recordingAllowed
    observersAllowed
  }
}`;
export const SESSION = `query Session($id: ID!) {
  session(id: $id) {
    id
    title
    abstract
    startsAt
    endsAt
    state
    recordingAllowed
    recordingUrl
    experts { id role user { displayName } }
    questions(first: 50) {
      edges { node { id body votes answered author { displayName ministry country } } }
    }
  }
}`;
export const RSVP = `mutation Rsvp($input: RsvpInput!) {
  rsvp(input: $input) { id status }
}`;
export const ASK = `mutation AskQuestion($input: AskQuestionInput!) {
  askQuestion(input: $input) { id body votes }
}`;
export const UPVOTE = `mutation UpvoteQuestion($input: UpvoteQuestionInput!) {
  upvoteQuestion(input: $input) { id votes }
}`;
export const SET_STATE = `mutation SetSessionState($input: SetSessionStateInput!) {
  setSessionState(input: $input) { id state }
}`;
export const SET_RECORDING = `mutation SetRecording($input: SetRecordingInput!) {
  setRecording(input: $input) { id recordingUrl }
}`;

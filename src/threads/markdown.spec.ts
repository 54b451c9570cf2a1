import { renderMarkdown } from './markdown.js';

describe('renderMarkdown', () => {
  it('renders Markdown', () => {
    expect(renderMarkdown('**Budget** lines\n\n- one\n- two')).toBe(
      '<p><strong>Budget</strong> lines</p>\n<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n',
    );
  });

  it.each([
    ['<script>alert(1)</script>', /<script/],
    ['<img src=x onerror=alert(1)>', /<img/],
    ['[click](javascript:alert(1))', /href="javascript:/],
    ['![chart](https://tracker.example/pixel.png)', /<img/],
    ['<a href="https://x" onclick="steal()">x</a>', /<[^>]+onclick=/],
  ])('neutralises %s', (source, forbidden) => {
    expect(renderMarkdown(source)).not.toMatch(forbidden);
  });

  it('opens links safely', () => {
    expect(renderMarkdown('[report](https://gov.example/report)')).toContain('rel="noopener noreferrer nofollow"');
  });
});
